import { writeFileSync } from "node:fs";
import { loadIdentity } from "../evidence/identity.ts";
import { clearLogAlarms, standingLogAlarm } from "../evidence/log-watch.ts";
import { flagCommand } from "./args.ts";
import { CliError, EXIT } from "./command.ts";
import { existingState } from "./existing-state.ts";

/** Usage of `malachor evidence export`. */
export const exportUsage = "malachor evidence export --out <file.jsonl> [--config <file>]";
/** Usage of `malachor evidence alarm`. */
export const alarmUsage = "malachor evidence alarm show|clear [--config <file>] [--json]";

/**
 * Every public key this appliance's archived chains were signed with, one `<applianceId> <key>` a
 * line (what `malachor evidence verify --pubkey <file>` reads): the current identity, the chains
 * handed over at re-enrolment, and the keys a re-key replaced (their `identity-rekeyed` events).
 */
function archiveKeys(
  db: ReturnType<typeof existingState>["state"]["db"],
  current: { id: string; key: string },
) {
  const lines = new Set<string>([`${current.id} ${current.key}`]);
  for (const r of db
    .query<{ appliance_id: string; public_key: string }, []>(
      "SELECT appliance_id, public_key FROM handed_over",
    )
    .all())
    lines.add(`${r.appliance_id} ${r.public_key}`);
  for (const r of db
    .query<{ appliance_id: string; old_key: string }, []>(
      `SELECT e.appliance_id, json_extract(ev.value, '$.details.oldPublicKey') AS old_key
       FROM evidence e, json_each(e.bundle, '$.events') ev
       WHERE json_extract(ev.value, '$.type') = 'identity-rekeyed'`,
    )
    .all())
    if (r.old_key) lines.add(`${r.appliance_id} ${r.old_key}`);
  return [...lines];
}

/**
 * `malachor evidence export`: the appliance's own copy of every bundle it still holds, each chain in
 * order and byte for byte as signed, as JSONL `malachor evidence verify` reads; the public keys go
 * beside it (`<out>.keys`). It reads the state database directly, so it works with the daemon
 * stopped, and it is what to keep when the cloud's log can no longer be trusted.
 */
export const exportCommand = flagCommand(
  {
    name: "export",
    summary: "write the appliance's own copy of its evidence chains (JSONL) and their public keys",
    usage: exportUsage,
    options: { out: { type: "string" }, config: { type: "string" } },
  },
  async ({ values, positionals }, io) => {
    if (positionals.length > 0 || !values.out) throw new CliError(`--out is required\nusage: ${exportUsage}`);
    const { config, state } = existingState(values.config);
    try {
      const rows = state.db
        .query<{ bundle: string }, []>(
          // Chains handed over at re-enrolment first, then the current one, each by sequence number.
          `SELECT e.bundle FROM evidence e LEFT JOIN handed_over h ON h.appliance_id = e.appliance_id
           ORDER BY h.handed_over_at IS NULL, h.handed_over_at, e.appliance_id, e.seq`,
        )
        .all();
      if (rows.length === 0) throw new CliError("the appliance holds no evidence yet", EXIT.environment);
      writeFileSync(values.out, `${rows.map((r) => r.bundle).join("\n")}\n`, { mode: 0o600 });
      const identity = loadIdentity(config.appliance.identity_key_file);
      const keys = archiveKeys(state.db, { id: config.appliance.appliance_id, key: identity.publicKey });
      writeFileSync(`${values.out}.keys`, `${keys.join("\n")}\n`);
      io.out(
        `wrote ${rows.length} bundles to ${values.out} and ${keys.length} public keys to ${values.out}.keys ` +
          `(check: malachor evidence verify ${values.out} --pubkey ${values.out}.keys)`,
      );
      return EXIT.ok;
    } finally {
      state.db.close();
    }
  },
);

/**
 * `malachor evidence alarm show|clear`: the standing alarm on the cloud's log (exit 1 while one
 * stands); `clear` is a technician's decision once the cause is known, and re-pins the cloud's log
 * at the daemon's next look (the alarm's event stays in the chain).
 */
export const alarmCommand = flagCommand(
  {
    name: "alarm",
    summary:
      "show or clear the alarm raised when the cloud's evidence log stopped extending what the appliance saw",
    usage: alarmUsage,
    options: { config: { type: "string" }, json: { type: "boolean" } },
  },
  async ({ values, positionals }, io) => {
    const [verb, ...extra] = positionals;
    if ((verb !== "show" && verb !== "clear") || extra.length > 0)
      throw new CliError(`expected show or clear\nusage: ${alarmUsage}`);
    const { state } = existingState(values.config);
    try {
      const alarm = standingLogAlarm(state.db);
      if (verb === "clear") {
        const n = clearLogAlarms(state.db, new Date());
        io.out(values.json ? JSON.stringify({ cleared: n }) : `${n} alarm(s) cleared`);
        return EXIT.ok;
      }
      if (values.json) io.out(JSON.stringify({ alarm: alarm ?? null }));
      else io.out(alarm ? `${alarm.kind} since ${alarm.raisedAt}: ${alarm.message}` : "no alarm");
      return alarm ? EXIT.failed : EXIT.ok;
    } finally {
      state.db.close();
    }
  },
);
