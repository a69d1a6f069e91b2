import type { RunningAgent } from "../daemon/start.ts";
import { flagCommand } from "./args.ts";
import { CliError, EXIT } from "./command.ts";
import { configFromArgs } from "./config-arg.ts";

const usage =
  "malachor run [--config <file>]\n  the appliance daemon: checks, evidence, healing, cloud sync; stops cleanly on SIGTERM/SIGINT.";

/**
 * JavaScriptCore's tier-up thresholds × this in the daemon (1 = Bun's normal policy): so high that none
 * of the daemon's functions reaches even the baseline JIT in its start-up or a check cycle
 * (`BUN_JSC_reportBaselineCompileTimes=1` lists only the few Bun compiles before main runs, as in any
 * compiled Bun program); bench/rss.bench.ts measures what that saves.
 */
export const DAEMON_JIT_POLICY = 1_000_000;

/** `malachor run`: the daemon (systemd runs this). */
export const runCommand = flagCommand(
  {
    name: "run",
    summary: "run the appliance daemon (checks, evidence, healing, cloud sync)",
    usage,
    options: { config: { type: "string" } },
  },
  async ({ values }) => {
    // The daemon runs a cycle every few minutes and idles between: code that runs that rarely does
    // not pay back what the JIT's tiers cost in memory (the compilers' code pages, their working
    // memory and the code they emit), so Bun's tier-up thresholds are scaled
    // (`Bun.unsafe.setJITPolicy`) and the daemon's JavaScript stays in the interpreter. The cycle's
    // time and the idle PSS are both measured in bench/rss.bench.ts.
    Bun.unsafe.setJITPolicy(DAEMON_JIT_POLICY);
    // The daemon's modules load only now, so their start-up code (schemas, tables) runs under that
    // policy too.
    const [
      { scrubText },
      { HostProfileError },
      { loadConfig },
      { startDaemon },
      { ChainOwnerError },
      { jsonLogger },
    ] = await Promise.all([
      import("../../../lib/phi/scrub.ts"),
      import("../checks/profile-host.ts"),
      import("../config/load.ts"),
      import("../daemon/start.ts"),
      import("../evidence/chain-store.ts"),
      import("../log/logger.ts"),
    ]);
    const config = configFromArgs(values.config, loadConfig);
    // Logs leave the box (journald → support bundles): scrub PHI from every line.
    const log = jsonLogger({ level: config.log.level, scrub: scrubText });
    let agent: RunningAgent;
    try {
      agent = await startDaemon(config, { log });
    } catch (e) {
      if (e instanceof ChainOwnerError) throw new CliError(e.message, EXIT.failed);
      if (e instanceof HostProfileError) throw new CliError(e.message, EXIT.environment);
      throw e;
    }
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log.info("stopping", { signal });
        process.off("SIGTERM", onTerm);
        process.off("SIGINT", onInt);
        agent.stop().then(resolve, (e) => {
          log.error("stop failed", { error: e });
          resolve();
        });
      };
      const onTerm = () => stop("SIGTERM");
      const onInt = () => stop("SIGINT");
      process.on("SIGTERM", onTerm);
      process.on("SIGINT", onInt);
    });
    return EXIT.ok;
  },
);
