# Filter-to-consumer bindings in root\subscription, as filter => consumer.
$bindings = @(Get-CimInstance -Namespace 'root/subscription' -ClassName '__FilterToConsumerBinding' | ForEach-Object {
    "$($_.Filter) => $($_.Consumer)"
  } | Sort-Object)
[ordered]@{
  status   = 'pass'
  expected = 'the subscriptions present at baseline'
  actual   = "$($bindings.Count) bindings"
  details  = [ordered]@{ items = $bindings }
} | ConvertTo-Json -Compress -Depth 5
