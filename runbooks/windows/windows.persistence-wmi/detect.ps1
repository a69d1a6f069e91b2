# Filter-to-consumer bindings in root\subscription, as filter => consumer. runbooks/baseline.ts prints them.
$items = @(Get-CimInstance -Namespace 'root/subscription' -ClassName '__FilterToConsumerBinding' | ForEach-Object {
    "$($_.Filter) => $($_.Consumer)"
  })
