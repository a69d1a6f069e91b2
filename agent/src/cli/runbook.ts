import { hostname } from "node:os";
import type { RunbookParam } from "../../../protocol/runbook.ts";
import { RUNBOOKS, runbookById, WINDOWS_CHECKS } from "../../../runbooks/index.ts";
import { BUILTIN_RULES } from "../../../runbooks/rules/index.ts";
import { LINUX_CHECKS } from "../checks/linux/index.ts";
import { MACOS_CHECKS } from "../checks/macos/index.ts";
import { checkSettings } from "../checks/settings.ts";
import { enqueueEscrow } from "../cloud-client/uploader.ts";
import { loadConfig } from "../config/load.ts";
import { openState, stateDbPath } from "../daemon/state.ts";
import type { RunbookExecutor } from "../runbooks/executor.ts";
import { RunbookParamError, type RunbookRun, runRunbook } from "../runbooks/runner.ts";
import { LocalShellExecutor } from "../runbooks/shell-executor.ts";
import { WinRmExecutor } from "../runbooks/winrm-executor.ts";
import { sshEstate } from "../ssh/from-config.ts";
import { WinRmClient } from "../winrm/client.ts";
import { parseCommandArgs, subcommandCommand } from "./args.ts";
import { CliError, EXIT, type Io } from "./command.ts";
import { configFromArgs, noConfigAtAll } from "./config-arg.ts";
import { table } from "./format.ts";
import { resolveTarget, TARGET_OPTIONS } from "./winrm-target.ts";

const usage =
  "malachor runbook list [--platform windows|linux|macos] [--checks] [--json]\n" +
  "  list: the runbooks (or with --checks the Windows checks, monitor-only ones with the reason),\n" +
  "  then the catalogue's counts of checks, runbooks and L1 rules per platform.\n" +
  "malachor runbook run <id> --host <host|local> [--dry-run] [--param name=value]… [--config <file>]\n" +
  "                     [--user U --password-file F] [--https] [--port N] [--pin <sha256>] [--json]\n" +
  "  run: detect → remediate → verify (rollback when verify fails) on one host; --dry-run only detects.\n" +
  "  Linux runbooks run on this appliance (--host local) or, like macOS ones, on an [[ssh.hosts]] entry.\n" +
  "  Exit 0 fixed / already compliant / dry run, 1 failed or rolled back, 2 bad usage, 3 environment.";

function list(args: string[], io: Io): number {
  const { values, positionals } = parseCommandArgs(
    args,
    { platform: { type: "string" }, checks: { type: "boolean" }, json: { type: "boolean" } },
    usage,
  );
  if (positionals.length) throw new CliError(`runbook list takes no arguments\nusage: ${usage}`);
  if (values.platform && !["windows", "linux", "macos"].includes(values.platform)) {
    throw new CliError(`--platform must be windows, linux or macos, not "${values.platform}"`);
  }
  const specs = RUNBOOKS.map((r) => r.spec).filter((s) => !values.platform || s.platform === values.platform);
  const windowsRules = BUILTIN_RULES.rules.filter(
    (r) => !r.match.platforms || r.match.platforms.includes("windows"),
  );
  const fixRules = (platform: "linux" | "macos") =>
    BUILTIN_RULES.rules.filter((r) => r.action.type === "runbook" && r.match.platforms?.includes(platform))
      .length;
  const runbooksOf = (platform: string) => RUNBOOKS.filter((r) => r.spec.platform === platform).length;
  const counts = {
    windowsChecks: WINDOWS_CHECKS.length,
    monitorOnly: WINDOWS_CHECKS.filter((c) => c.monitorOnly).length,
    windowsRunbooks: runbooksOf("windows"),
    windowsFixRules: windowsRules.filter((r) => r.action.type === "runbook").length,
    windowsEscalateRules: windowsRules.filter((r) => r.action.type === "escalate").length,
    linuxChecks: LINUX_CHECKS.length,
    linuxRunbooks: runbooksOf("linux"),
    linuxFixRules: fixRules("linux"),
    macosChecks: MACOS_CHECKS.length,
    macosRunbooks: runbooksOf("macos"),
    macosFixRules: fixRules("macos"),
  };
  if (values.json) {
    const checks = WINDOWS_CHECKS.map(({ detect: _d, ...c }) => c);
    io.out(JSON.stringify(values.checks ? { checks, counts } : { runbooks: specs, counts }));
    return EXIT.ok;
  }
  const summary = [
    `${counts.windowsChecks} Windows checks (${counts.monitorOnly} monitor-only), ${counts.windowsRunbooks} Windows runbooks, ${counts.windowsFixRules} L1 fix rules + ${counts.windowsEscalateRules} escalate rules for Windows`,
    `${counts.linuxChecks} Linux checks (local or SSH), ${counts.linuxRunbooks} Linux runbooks, ${counts.linuxFixRules} L1 fix rules for Linux`,
    `${counts.macosChecks} macOS checks (SSH), ${counts.macosRunbooks} macOS runbooks, ${counts.macosFixRules} L1 fix rules for macOS`,
  ].join("\n");
  if (values.checks) {
    const rows = [["CHECK", "ROLES", "SEVERITY", "FIXED BY", "CITATIONS"]];
    for (const c of WINDOWS_CHECKS)
      rows.push([
        c.id,
        c.roles.length === 3 ? "all" : c.roles.join(","),
        c.severity,
        c.monitorOnly ? `needs a person: ${c.monitorOnly}` : c.runbooks.join(" "),
        c.citations.join(" "),
      ]);
    for (const line of table(rows)) io.out(line);
    io.out(summary);
    return EXIT.ok;
  }
  const rows = [["ID", "PLATFORM", "SEVERITY", "BLAST", "ROLLBACK", "CITATIONS", "TITLE"]];
  for (const s of specs) {
    rows.push([
      s.id,
      s.platform,
      s.severity,
      s.blastRadius,
      s.rollback ? "yes" : "no",
      s.citations.join(" "),
      s.title,
    ]);
  }
  for (const line of table(rows)) io.out(line);
  io.out(summary);
  return EXIT.ok;
}

/** `--param name=value` strings typed by the runbook's declared parameters. */
export function parseParams(
  pairs: string[],
  params: readonly RunbookParam[],
  id: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CliError(`--param "${pair}": expected name=value`);
    const name = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const p = params.find((x) => x.name === name);
    if (!p) {
      const known = params.map((x) => x.name).join(", ") || "none";
      throw new CliError(`runbook ${id} has no parameter "${name}" (parameters: ${known})`);
    }
    if (p.type === "integer") {
      if (!/^-?\d+$/.test(raw)) throw new CliError(`--param ${name}: "${raw}" is not an integer`);
      out[name] = Number(raw);
    } else if (p.type === "boolean") {
      if (raw !== "true" && raw !== "false") throw new CliError(`--param ${name}: expected true or false`);
      out[name] = raw === "true";
    } else out[name] = raw;
  }
  return out;
}

function summary(run: RunbookRun): string[] {
  const lines = [
    `runbook ${run.runbookId} on ${run.host}: ${run.outcome.toUpperCase()}`,
    `  before: ${run.before.status}${run.before.actual ? ` — ${run.before.actual}` : ""}`,
  ];
  if (run.remediation) lines.push(`  remediate: ${run.remediation.changed ? "changed" : "no change"}`);
  if (run.after) lines.push(`  verify: ${run.verify} — ${run.after.actual ?? run.after.status}`);
  if (run.rollback)
    lines.push(
      `  rollback: ${run.rollback.attempted ? (run.rollback.ok ? "restored" : "FAILED") : "not needed"}`,
    );
  if (run.error) lines.push(`  error: ${run.error}`);
  return lines;
}

async function runOne(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      ...TARGET_OPTIONS,
      host: { type: "string" },
      "dry-run": { type: "boolean" },
      param: { type: "string", multiple: true },
      json: { type: "boolean" },
    },
    usage,
  );
  const [id, ...extra] = positionals;
  if (!id || extra.length) throw new CliError(`expected one runbook id\nusage: ${usage}`);
  const runbook = runbookById(id);
  if (!runbook) throw new CliError(`no runbook "${id}" (see malachor runbook list)`);
  if (!values.host) throw new CliError(`--host is required\nusage: ${usage}`);
  const params = parseParams(values.param ?? [], runbook.spec.params, id);

  let executor: RunbookExecutor;
  let client: WinRmClient | undefined;
  let closeState: (() => void) | undefined;
  if (runbook.spec.platform === "linux" && (values.host === "local" || values.host === hostname())) {
    executor = new LocalShellExecutor(hostname());
  } else if (runbook.spec.platform !== "windows") {
    // A Linux or macOS host over SSH: an [[ssh.hosts]] entry of the config, through its pinned key.
    const config = noConfigAtAll(values.config) ? undefined : configFromArgs(values.config, loadConfig);
    if (!config)
      throw new CliError(`${id} on ${values.host} needs a config with that [[ssh.hosts]] entry (--config)`);
    const state = openState(config);
    closeState = () => state.db.close();
    const settings = checkSettings(config.checks, config.status.bind);
    const found = sshEstate(config, settings, state.db).executors.get(values.host.toLowerCase());
    if (!found || found.platform !== runbook.spec.platform) {
      closeState();
      throw new CliError(
        `${id} is a ${runbook.spec.platform} runbook; ${values.host} is not a ${runbook.spec.platform} [[ssh.hosts]] entry (or use --host local for Linux)`,
      );
    }
    executor = found;
  } else {
    const target = resolveTarget(values.host, values);
    client = new WinRmClient(target);
    executor = new WinRmExecutor(client, target.host);
  }
  let run: RunbookRun;
  try {
    run = await runRunbook({ runbook, executor, params, dryRun: Boolean(values["dry-run"]) });
  } catch (e) {
    if (e instanceof RunbookParamError) throw new CliError(e.message);
    throw e;
  } finally {
    await client?.close().catch(() => {});
    closeState?.();
  }
  const queuedIn = run.escrow.length ? queueEscrow(run, values.config) : undefined;
  // The keys themselves are never printed: only which protectors were queued, and where.
  const escrow = run.escrow.map((k) => ({
    host: k.host,
    volume: k.volume,
    protectorId: k.protectorId,
    queuedIn,
  }));
  if (values.json) io.out(JSON.stringify({ ...run, escrow }));
  else {
    for (const line of summary(run)) io.out(line);
    for (const k of escrow)
      io.out(`  recovery key of ${k.volume} (${k.protectorId}) queued for cloud escrow in ${queuedIn}`);
  }
  return run.outcome === "fixed" || run.outcome === "not-needed" || run.outcome === "dry-run"
    ? EXIT.ok
    : EXIT.failed;
}

/**
 * A recovery key created by a CLI run must not be lost: it goes into the state database's queue
 * (stream `escrow`, never shed), which the daemon drains to the cloud. Returns the database path.
 */
function queueEscrow(run: RunbookRun, configFlag: string | undefined): string {
  if (noConfigAtAll(configFlag)) {
    throw new CliError(
      `runbook ${run.runbookId} created a BitLocker recovery key on ${run.host} but there is no config (state_dir) to queue it for escrow; rerun with --config`,
      EXIT.environment,
    );
  }
  const config = configFromArgs(configFlag, loadConfig);
  const state = openState(config);
  try {
    enqueueEscrow(state.queue, run.escrow);
  } finally {
    state.db.close();
  }
  return stateDbPath(config);
}

/** `malachor runbook list|run`: the runbook catalogue and on-demand remediation. */
export const runbookCommand = subcommandCommand({
  name: "runbook",
  summary: "list the runbook catalogue, or run one runbook against a host",
  usage,
  subcommands: {
    list,
    run: runOne,
  },
});
