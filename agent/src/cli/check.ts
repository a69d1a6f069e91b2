import * as v from "valibot";
import type { Finding } from "../../../protocol/finding.ts";
import type { Host } from "../checks/host.ts";
import { LINUX_CHECKS } from "../checks/linux/index.ts";
import { applianceHost, HostProfileError } from "../checks/profile-host.ts";
import { RealHost } from "../checks/real-host.ts";
import { runChecks, selectChecks } from "../checks/run.ts";
import { checkSettings } from "../checks/settings.ts";
import { StatusSection } from "../config/fields.ts";
import { loadConfig } from "../config/load.ts";
import { ChecksSection, type Config } from "../config/schema.ts";
import { applianceHostName } from "../daemon/agent.ts";
import { openState } from "../daemon/state.ts";
import { CHECKS_BY_OS, sshEstate } from "../ssh/from-config.ts";
import { type SshTarget, sshTarget } from "../ssh/target.ts";
import { CONFIG_AND_JSON, flagCommand } from "./args.ts";
import { CliError, EXIT } from "./command.ts";
import { configFromArgs, noConfigAtAll } from "./config-arg.ts";
import { table } from "./format.ts";
import { progress } from "./progress.ts";

const usage =
  "malachor check [<check-id>…] [--target <ssh-host>] [--config <file>] [--json]\n" +
  "  runs this host's Linux checks now (all enabled ones, or the ids given) and prints the results;\n" +
  "  with --target, the checks of that [[ssh.hosts]] entry (Linux or macOS) over SSH, pinning its host\n" +
  "  key in the state database as the daemon does. Records no evidence.\n" +
  "  Exit 0 all pass or warn, 1 a check failed or errored, 2 bad usage, 3 bad config.";

const MARK: Record<Finding["status"], string> = {
  pass: "PASS",
  warn: "WARN",
  fail: "FAIL",
  error: "ERR ",
  unreachable: "OFF ",
};

/** The `[[ssh.hosts]]` entry named by `--target`. */
function sshTargetFrom(config: Config | undefined, name: string): SshTarget {
  if (!config) throw new CliError("--target needs a config file with [[ssh.hosts]]", EXIT.usage);
  const h = config.ssh.hosts.find((x) => x.host.toLowerCase() === name.toLowerCase());
  if (!h) {
    const known = config.ssh.hosts.map((x) => x.host).join(", ") || "none configured";
    throw new CliError(`no [[ssh.hosts]] entry "${name}" in ${config.source} (hosts: ${known})`, EXIT.usage);
  }
  return sshTarget(h);
}

/** `malachor check`: run the local Linux checks on demand, for a field tech. */
export const checkCommand = flagCommand(
  {
    name: "check",
    summary: "run this host's drift checks now and show the results",
    usage,
    options: { ...CONFIG_AND_JSON, target: { type: "string" } },
  },
  async ({ values, positionals }, io) => {
    // Without any config a tech can still check a box, with the documented defaults.
    const bare = noConfigAtAll(values.config);
    const config = bare ? undefined : configFromArgs(values.config, loadConfig);
    const settings = config
      ? checkSettings(config.checks, config.status.bind)
      : checkSettings(v.parse(ChecksSection, {}), v.parse(StatusSection, {}).bind);
    const target = values.target ? sshTargetFrom(config, values.target) : undefined;
    let checks: ReturnType<typeof selectChecks>;
    try {
      checks = selectChecks(
        target ? CHECKS_BY_OS[target.os] : LINUX_CHECKS,
        positionals,
        config?.checks.disabled ?? [],
      );
    } catch (e) {
      throw new CliError((e as Error).message, EXIT.usage);
    }
    const p = progress(io);
    p.update(`running ${checks.length} checks…`);
    let findings: Finding[];
    if (target && config) {
      const state = openState(config);
      try {
        findings = (await sshEstate(config, settings, state.db).scanner.scan(target, checks)).findings;
      } finally {
        state.db.close();
      }
    } else {
      let host: Host;
      try {
        host = config ? applianceHost(config) : new RealHost();
      } catch (e) {
        if (e instanceof HostProfileError) throw new CliError(e.message, EXIT.environment);
        throw e;
      }
      findings = await runChecks(checks, {
        host,
        settings,
        hostName: config ? applianceHostName(config) : new RealHost().hostname(),
        timeoutMs: (config?.checks.timeout_sec ?? 10) * 1000,
        onProgress: (done, total, id) => p.update(`[${done}/${total}] ${id}`),
      });
    }
    p.done();
    if (values.json) {
      io.out(
        JSON.stringify({
          ...(target ? { target: target.name, os: target.os } : {}),
          checks: checks.length,
          findings,
        }),
      );
    } else {
      const rows = findings.map((f) => [MARK[f.status], f.checkId, f.actual ?? ""]);
      for (const line of table(rows)) io.out(line);
      const n = (s: Finding["status"]) => findings.filter((f) => f.status === s).length;
      io.out(`\n${n("pass")} pass, ${n("warn")} warn, ${n("fail")} fail, ${n("error")} error`);
    }
    return findings.some((f) => f.status === "fail" || f.status === "error") ? EXIT.failed : EXIT.ok;
  },
);
