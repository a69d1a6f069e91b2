import { raw } from "hono/html";
import { ScoreChart } from "../../../../lib/ui/charts.tsx";
import { Score, When } from "../../../../lib/ui/components.tsx";
import { STYLE } from "../../../../lib/ui/style.ts";
import type { SiteProgram } from "../../program/evaluate.ts";
import type { DayScore, PageCompliance } from "../data/compliance.ts";
import type { ChainFigures } from "../data/evidence.ts";
import { ControlReport, ScoreFormula, statusCounts } from "../views/control-report.tsx";
import { KeyTable } from "../views/evidence-panels.tsx";
import { measuredOf } from "../views/measured.ts";
import { PacketProgram } from "./packet-program.tsx";
import { chartPoints } from "./pages.tsx";

/**
 * The printable compliance packet: a stand-alone document (no navigation) laid out for paper by
 * the print CSS — cover, score and trend, every control with its evidence, chain and keys, and how
 * to verify. Browsers print it to PDF.
 */
export function CompliancePacket(p: {
  site: { id: string; name: string; tier: string };
  c: PageCompliance;
  history: DayScore[];
  chains: ChainFigures[];
  keys: { keyId: string; applianceId: string; publicKey: string; createdAt: Date }[];
  bundles: number;
  now: Date;
  program: SiteProgram;
  backHref: string;
}) {
  const counts = statusCounts(p.c.controls);
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`HIPAA compliance packet — ${p.site.name}`}</title>
          <style>{raw(STYLE)}</style>
          <style>{raw("@page{size:A4;margin:16mm} main{max-width:900px}")}</style>
        </head>
        <body>
          <main>
            <p class="no-print">
              <a href={p.backHref}>← back to the portal</a> · use your browser's Print (Ctrl+P) to save this
              packet as PDF.
            </p>
            <h1 data-testid="packet-title">HIPAA Security Rule compliance packet</h1>
            <div class="card">
              <div class="grid">
                <div>
                  <div class="muted small">Practice</div>
                  <strong>{p.site.name}</strong> <span class="mono">({p.site.id})</span>
                </div>
                <div>
                  <div class="muted small">Generated</div>
                  <When at={p.now} />
                </div>
                <div>
                  <div class="muted small">Evidence as of</div>
                  <When at={p.c.asOf} />
                </div>
                <div>
                  <div class="muted small">Compliance score</div>
                  <Score score={p.c.score} assessed={p.c.assessed} measured={measuredOf(p.c)} />
                </div>
              </div>
              <p class="small">
                Controls assessed: {p.c.assessed} of {p.c.controls.length} — {counts.pass} pass,{" "}
                {counts.excepted} excepted, {counts.warn} warn, {counts.fail} fail, {counts.unknown} unknown.
                It is recomputed from the signed evidence and program records listed below.
              </p>
            </div>
            <ScoreFormula c={p.c} programInUse={p.program.evaluation.inUse} />
            <h2>Score over the last {p.history.length} days</h2>
            <ScoreChart title="Compliance score" points={chartPoints(p.history)} />
            <h2 class="page-break">Controls and evidence</h2>
            <ControlReport c={p.c} />
            <PacketProgram program={p.program} />
            <h2 class="page-break">Evidence chain</h2>
            <p>
              {p.bundles.toLocaleString("en-US")} signed bundles from {p.chains.length} appliance
              {p.chains.length === 1 ? "" : "s"}:
            </p>
            <ul>
              {p.chains.map((c) => (
                <li>
                  <span class="mono">{c.applianceId}</span>: {c.bundles.toLocaleString("en-US")} bundles, head
                  #{c.headSeq} <span class="mono small">{c.headHash}</span>
                </li>
              ))}
            </ul>
            <h3>Appliance public keys</h3>
            <KeyTable keys={p.keys} />
            <h3>Independent verification</h3>
            <p>
              Download <span class="mono">chain.jsonl</span> and <span class="mono">keys.txt</span> from the
              portal's Evidence page and run{" "}
              <span class="mono">malachor evidence verify chain.jsonl --pubkey keys.txt</span>. Exit code 0
              confirms every signature, hash link and sequence number.
            </p>
          </main>
        </body>
      </html>
    </>
  );
}
