/**
 * Introduce drift on the demo's simulated Windows host: `npx bun test/demo/drift.ts firewall-off`
 * (while `npm run demo` runs). Lists the drifts without an argument.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { applyDrift, DRIFTS, type DriftName, LAST_DRIFT_FILE, SESSION_FILE } from "./drifts.ts";

const name = process.argv[2];
if (!name || !(name in DRIFTS)) {
  process.stderr.write(
    `usage: npx bun test/demo/drift.ts <drift>\n${Object.entries(DRIFTS)
      .map(([n, d]) => `  ${n.padEnd(16)} on the ${d.on.padEnd(11)} ${d.what}`)
      .join("\n")}\n`,
  );
  process.exit(2);
}
if (!existsSync(SESSION_FILE)) {
  process.stderr.write("no running demo found (start it with: npm run demo)\n");
  process.exit(3);
}
const session = JSON.parse(readFileSync(SESSION_FILE, "utf8")) as { simUrl: string; workstationUrl?: string };
const drift = DRIFTS[name as DriftName];
const simUrl = drift.on === "workstation" ? session.workstationUrl : session.simUrl;
if (!simUrl) {
  process.stderr.write(`the running demo has no ${drift.on} to drift\n`);
  process.exit(3);
}
try {
  const at = new Date().toISOString();
  await applyDrift(simUrl, name as DriftName);
  writeFileSync(LAST_DRIFT_FILE, JSON.stringify({ name, check: DRIFTS[name as DriftName].check, at }));
  process.stdout.write(`drift "${name}" applied at ${at}: ${DRIFTS[name as DriftName].what}\n`);
} catch (e) {
  process.stderr.write(`drift: ${(e as Error).message} (is the demo still running?)\n`);
  process.exit(3);
}
