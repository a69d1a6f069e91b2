/**
 * Baseline checks (`baseline = true` in check.toml) share one detect template: their detect.ps1
 * only gathers `$items` (one string per task, Run key, subscription, service or member), and this
 * trailer sorts them and prints the result line the appliance compares with the host's baseline.
 */

/** The detect script of a baseline check: its own item gathering, then the shared result line. */
export function baselineDetect(gather: string): string {
  return `${gather.trimEnd()}
$items = @($items | Sort-Object)
[ordered]@{
  status   = 'pass'
  expected = 'nothing new since the baseline (first scan, or as a person accepted it)'
  actual   = "$($items.Count) items"
  details  = [ordered]@{ items = $items }
} | ConvertTo-Json -Compress -Depth 5
`;
}
