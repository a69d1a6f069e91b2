import { WINDOWS_CHECKS } from "../../../runbooks/index.ts";
import { acceptBaseline, BaselineError } from "../runbooks/baseline-accept.ts";
import { baselineRows, sqliteBaselines } from "../runbooks/baselines.ts";
import { WinRmExecutor } from "../runbooks/winrm-executor.ts";
import { WinRmClient } from "../winrm/client.ts";
import { CONFIG_AND_JSON, parseCommandArgs, subcommandCommand } from "./args.ts";
import { CliError, EXIT, type Io } from "./command.ts";
import { existingState } from "./existing-state.ts";
import { table } from "./format.ts";
import { resolveTarget, TARGET_OPTIONS } from "./winrm-target.ts";

const usage =
  "malachor baseline show [<host>] [--check <id>] [--config <file>] [--json]\n" +
  "malachor baseline accept <host> <check-id> [--item <item>]… [--config <file>]\n" +
  "                         [--user U --password-file F] [--https] [--port N] [--pin <sha256>] [--json]\n" +
  "  Baseline checks (persistence: scheduled tasks, Run keys, WMI subscriptions, services; local and\n" +
  "  domain administrators) fail on anything new since a host's first scan until a person accepts it.\n" +
  "  accept adds the given items, or without --item makes the baseline what the host has now.\n" +
  "  The cloud can send the same as a signed accept_baseline order.\n" +
  "  Exit 0 ok, 1 the host did not answer or the check does not apply to it, 2 bad usage, 3 no agent state.";

function show(args: string[], io: Io): number {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...CONFIG_AND_JSON, check: { type: "string" } },
    usage,
  );
  if (positionals.length > 1) throw new CliError(`baseline show takes at most one host\nusage: ${usage}`);
  const { state } = existingState(values.config);
  try {
    const rows = baselineRows(state.db, positionals[0]).filter(
      (r) => !values.check || r.checkId === values.check,
    );
    if (values.json) io.out(JSON.stringify({ baselines: rows }));
    else if (rows.length === 0) io.out("no baseline recorded yet (the first scan of a host records it)");
    else {
      const out = [["HOST", "CHECK", "ITEMS", "RECORDED", "FIRST ITEMS"]];
      for (const r of rows)
        out.push([r.host, r.checkId, String(r.items.length), r.recordedAt, r.items.slice(0, 3).join("; ")]);
      for (const line of table(out)) io.out(line);
    }
    return EXIT.ok;
  } finally {
    state.db.close();
  }
}

async function accept(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...TARGET_OPTIONS, item: { type: "string", multiple: true }, json: { type: "boolean" } },
    usage,
  );
  const [host, checkId, ...extra] = positionals;
  if (!host || !checkId || extra.length)
    throw new CliError(`expected a host and a check id\nusage: ${usage}`);
  const items = values.item ?? [];
  if (items.some((i) => i.trim() === "")) throw new CliError("--item must not be empty");
  const { state } = existingState(values.config);
  let client: WinRmClient | undefined;
  try {
    // Given items need no connection; otherwise the host is asked what it has now.
    const target = items.length ? undefined : resolveTarget(host, values);
    if (target) client = new WinRmClient(target);
    const done = await acceptBaseline({
      store: sqliteBaselines(state.db),
      checks: WINDOWS_CHECKS,
      host: target?.host ?? host,
      checkId,
      items,
      ...(client && target ? { executor: new WinRmExecutor(client, target.host) } : {}),
    });
    if (values.json) io.out(JSON.stringify(done));
    else {
      io.out(`baseline of ${done.checkId} on ${done.host}: ${done.size} items`);
      for (const a of done.accepted) io.out(`  accepted: ${a}`);
      for (const d of done.dropped) io.out(`  no longer present: ${d}`);
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof BaselineError) throw new CliError(e.message, e.badRequest ? EXIT.usage : EXIT.failed);
    throw e;
  } finally {
    await client?.close().catch(() => {});
    state.db.close();
  }
}

/** `malachor baseline show|accept`: the per-host baselines of the Windows baseline checks. */
export const baselineCommand = subcommandCommand({
  name: "baseline",
  summary: "show the Windows baseline checks' per-host baselines, or accept what a host has into one",
  usage,
  subcommands: { show, accept },
});
