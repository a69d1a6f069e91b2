/**
 * The one stylesheet shared by the MSP dashboard, the client portal and the appliance status page.
 * Kept as a string (not a .css file) so `bun build --compile` embeds it in the agent binary as-is.
 * Colours carry meaning only together with a word (pass/fail…) so the pages read in greyscale print.
 */
export const STYLE = `
:root{--bg:#f5f6f8;--card:#fff;--ink:#1d2330;--muted:#5b6475;--line:#dfe3ea;--brand:#22577a;
--pass:#1e7b47;--pass-bg:#e3f4ea;--warn:#8a5a00;--warn-bg:#fdf1d6;--fail:#b3261e;--fail-bg:#fbe4e2;
--unk:#4d5565;--unk-bg:#eceef2;--radius:6px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font-size:15px;line-height:1.45}
a{color:var(--brand)}
header.top{background:var(--brand);color:#fff;display:flex;align-items:center;gap:1.5rem;padding:.6rem 1.25rem;flex-wrap:wrap}
header.top .brand{font-weight:700;letter-spacing:.02em;color:#fff;text-decoration:none}
header.top .audience{opacity:.8;font-size:.85rem}
header.top nav{display:flex;gap:1rem;flex-wrap:wrap}
header.top nav a{color:#fff;text-decoration:none;opacity:.85}
header.top nav a[aria-current=page]{opacity:1;text-decoration:underline;text-underline-offset:4px}
header.top .who{margin-left:auto;font-size:.85rem;display:flex;gap:.75rem;align-items:center}
header.top .who button{background:transparent;border:1px solid #fff8;color:#fff;padding:.15rem .6rem}
main{max-width:1180px;margin:0 auto;padding:1.25rem}
h1{font-size:1.5rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .6rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
.muted{color:var(--muted)}
.small{font-size:.85rem}
.nowrap{white-space:nowrap}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1rem 1.25rem;margin-bottom:1rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(220px,1fr))}
.stat{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:.8rem 1rem}
.stat .label{color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.04em}
.stat .value{font-size:1.7rem;font-weight:700}
table{width:100%;border-collapse:collapse;background:var(--card)}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);font-weight:600}
tr:last-child td{border-bottom:0}
.table-wrap{border:1px solid var(--line);border-radius:var(--radius);overflow-x:auto;margin-bottom:1rem}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.8rem;font-weight:600;white-space:nowrap;border:1px solid transparent}
.badge.pass,.badge.ok,.badge.succeeded,.badge.fixed,.badge.resolved{color:var(--pass);background:var(--pass-bg);border-color:#b9e0c8}
.badge.warn,.badge.excepted,.badge.proposed,.badge.pending,.badge.pending-approval,.badge.acknowledged,.badge.stale,.badge.dry-run{color:var(--warn);background:var(--warn-bg);border-color:#f0d69a}
.badge.fail,.badge.failed,.badge.broken,.badge.open,.badge.offline,.badge.refused,.badge.rolled-back,.badge.rejected{color:var(--fail);background:var(--fail-bg);border-color:#f1bcb7}
.badge.unknown,.badge.unassessed,.badge.expired,.badge.declined,.badge.revoked,.badge.none,.badge.error{color:var(--unk);background:var(--unk-bg);border-color:#d5d9e1}
.score{font-size:2.4rem;font-weight:800;line-height:1}
.score.pass{color:var(--pass)}.score.warn{color:var(--warn)}.score.fail{color:var(--fail)}.score.none{color:var(--unk)}
form.inline{display:inline}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;align-items:flex-end}
label{display:block;font-size:.85rem;color:var(--muted);margin-bottom:.2rem}
input,select,textarea{max-width:100%;font:inherit;padding:.35rem .5rem;border:1px solid #c3c9d4;border-radius:4px;background:#fff;color:var(--ink)}
button,.button{font:inherit;padding:.35rem .8rem;border-radius:4px;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button.danger{background:var(--fail);border-color:var(--fail)}
.field{margin-bottom:.7rem}
.notice{padding:.6rem 1rem;border-radius:var(--radius);margin-bottom:1rem;border:1px solid}
.notice.ok{background:var(--pass-bg);border-color:#b9e0c8;color:var(--pass)}
.notice.error{background:var(--fail-bg);border-color:#f1bcb7;color:var(--fail)}
.notice.info{background:#e8f0f7;border-color:#c4d6e6;color:var(--brand)}
.empty{padding:1.5rem;text-align:center;color:var(--muted);background:var(--card);border:1px dashed var(--line);border-radius:var(--radius);margin-bottom:1rem}
.pager{display:flex;gap:.75rem;align-items:center;margin:.5rem 0 1rem}
.chart{width:100%;height:auto;max-width:640px;display:block}
.chart text{font-size:11px;fill:var(--muted)}
.chart .line{fill:none;stroke:var(--brand);stroke-width:2}
.chart .area{fill:#22577a1f}
.chart .axis{stroke:var(--line)}
.chart .bar.L1{fill:#4f8fbf}.chart .bar.L2{fill:#c08a1e}.chart .bar.L3{fill:#b3261e}
.legend{display:flex;gap:1rem;font-size:.8rem;color:var(--muted)}
.legend i{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-1px}
details summary{cursor:pointer}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin-bottom:1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:.8rem 1rem;margin:0 0 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
dl.help{margin:.4rem 0 0;border-left:3px solid var(--line);padding-left:.6rem}
dl.help dt{font-weight:600;margin-top:.2rem}dl.help dd{margin:0}
.field-error{color:var(--fail);font-size:.85rem;margin-top:.2rem}
input[aria-invalid=true],select[aria-invalid=true]{border-color:var(--fail)}
.explain{color:var(--muted);font-size:.9rem;margin:.2rem 0 0}
.login{max-width:420px;margin:3rem auto}
pre{background:#10151f;color:#e7ecf3;padding:.8rem 1rem;border-radius:var(--radius);overflow-x:auto;font-size:.85rem}
footer.page{max-width:1180px;margin:0 auto;padding:1rem 1.25rem 2rem;color:var(--muted);font-size:.8rem}
@media (max-width:600px){
  .table-wrap{overflow:visible;border:0;background:none}
  .table-wrap table,.table-wrap tbody,.table-wrap tr,.table-wrap td{display:block;width:auto}
  .table-wrap thead{display:none}
  .table-wrap tr{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);margin-bottom:.6rem;padding:.4rem .7rem}
  .table-wrap td{border:0;padding:.15rem 0;white-space:normal}
  dl.facts{grid-template-columns:1fr}
}
@media print{
  body{background:#fff;font-size:11pt}
  header.top,footer.page,.no-print,form,button{display:none !important}
  main{max-width:none;padding:0}
  .card,.stat,.table-wrap{border-color:#999;break-inside:avoid}
  h2{break-after:avoid}
  tr{break-inside:avoid}
  a{color:inherit;text-decoration:none}
  .page-break{break-before:page}
}
`;
