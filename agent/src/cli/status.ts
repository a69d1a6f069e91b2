import { existsSync } from "node:fs";
import { loadStatusConfig, type StatusConfig } from "../config/status-view.ts";
import { DaemonUnavailable, localClient } from "../localapi/client.ts";
import type { StatusSnapshot } from "../status/snapshot.ts";
import { CONFIG_AND_JSON, flagCommand } from "./args.ts";
import { CliError, EXIT, type Io } from "./command.ts";
import { configFromArgs } from "./config-arg.ts";
import { ago, bytes, duration, table } from "./format.ts";

const usage =
  "malachor status [--config <file>] [--json]\n" +
  "  asks the running daemon (local API at [status] bind); when it is not running, reads its saved state.\n" +
  "  Exit 0 healthy, 1 failing checks or warnings, 3 daemon not running or no state.";

/**
 * The daemon's last saved snapshot with live queue and chain figures, for when it is not running.
 * The state database's modules load only here: with the daemon up, `status` asks its API alone.
 */
async function offlineSnapshot(
  config: StatusConfig,
): Promise<Partial<StatusSnapshot> & Pick<StatusSnapshot, "queue" | "chain">> {
  const [{ openState, SNAPSHOT_META, stateDbPath }, { chainHead }, { getMeta }] = await Promise.all([
    import("../daemon/state.ts"),
    import("../evidence/head.ts"),
    import("../queue/db.ts"),
  ]);
  if (!existsSync(stateDbPath(config))) {
    throw new CliError(
      `no agent state at ${stateDbPath(config)}: malachor run has never started with this config`,
      EXIT.environment,
    );
  }
  const { db, queue } = openState(config);
  try {
    const saved = getMeta(db, SNAPSHOT_META);
    const s = queue.stats();
    const head = chainHead(db);
    return {
      ...(saved ? (JSON.parse(saved) as StatusSnapshot) : {}),
      queue: { depth: s.depth, bytes: s.bytes, oldestAgeSec: s.oldestAgeSec },
      chain: { seq: head.seq, head: head.hash },
    };
  } finally {
    db.close();
  }
}

function human(
  io: Io,
  s: Partial<StatusSnapshot> & Pick<StatusSnapshot, "queue" | "chain">,
  running: boolean,
  config: StatusConfig,
) {
  io.out(
    `malachor ${s.agentVersion ?? ""} — site ${config.appliance.site_id}, appliance ${config.appliance.appliance_id}: daemon ${running ? `running (up ${duration(s.uptimeSec ?? 0)})` : "NOT RUNNING"}`,
  );
  const c = s.lastCycle;
  io.out(
    c
      ? `last cycle   ${ago(c.at)}: ${c.summary.pass} pass, ${c.summary.fail} fail, ${c.summary.warn} warn, ${c.summary.error} error (${c.durationMs} ms; every ${s.checkIntervalSec ?? "?"} s)`
      : "last cycle   none yet",
  );
  io.out(
    `queue        ${s.queue.depth} items, ${bytes(s.queue.bytes)}${s.queue.depth ? `, oldest ${duration(s.queue.oldestAgeSec)}` : ""}`,
  );
  io.out(`evidence     chain at #${s.chain.seq} (head ${s.chain.head.slice(0, 16)}…)`);
  if (s.identity) io.out(`identity     key ${s.identity.keyId}, fingerprint ${s.identity.fingerprint}`);
  if (s.pendingClaim)
    io.out(
      `enrolment    claim ${s.pendingClaim.claimId} for ${s.pendingClaim.mac} waits for approval; key fingerprint ${s.pendingClaim.fingerprint}`,
    );
  const contact = (x: StatusSnapshot["lastSync"] | undefined) =>
    !x ? "never" : x.ok ? `ok ${ago(x.at)}` : `FAILED ${ago(x.at)}: ${x.error ?? ""}`;
  io.out(`cloud        contact ${contact(s.lastSync)}; upload ${contact(s.lastUpload)}`);
  for (const w of s.warnings ?? []) io.out(`warning      ${w.code}: ${w.message}`);
  const bad = (s.findings ?? []).filter((f) => f.status !== "pass");
  if (bad.length) {
    io.out("");
    for (const line of table(bad.map((f) => [f.status.toUpperCase(), f.checkId, f.host, f.actual ?? ""])))
      io.out(`  ${line}`);
  }
}

/** `malachor status`: health of the appliance agent at a glance. */
export const statusCommand = flagCommand(
  {
    name: "status",
    summary: "show the agent's health: last cycle, failing checks, queue, chain, cloud contact",
    usage,
    options: CONFIG_AND_JSON,
  },
  async ({ values }, io) => {
    const config = configFromArgs(values.config, loadStatusConfig);
    let snap: Partial<StatusSnapshot> & Pick<StatusSnapshot, "queue" | "chain">;
    let running = true;
    try {
      snap = await localClient(config.status.bind, 1_000).status();
    } catch (e) {
      if (!(e instanceof DaemonUnavailable)) throw e;
      running = false;
      snap = await offlineSnapshot(config);
    }
    if (values.json) io.out(JSON.stringify({ daemon: running ? "running" : "stopped", ...snap }));
    else human(io, snap, running, config);
    if (!running) return EXIT.environment;
    const failing = (snap.findings ?? []).some((f) => f.status === "fail" || f.status === "error");
    return failing || (snap.warnings ?? []).length > 0 ? EXIT.failed : EXIT.ok;
  },
);
