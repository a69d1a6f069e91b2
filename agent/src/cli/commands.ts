import type { Command } from "./command.ts";

/**
 * Every `malachor` subcommand by name, loaded on demand so that a command starts only the code it
 * needs (`status` must answer in milliseconds; `run` idles in little memory). `--help` loads them
 * all and lists them in this order. Add a command with one line.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import("./run.ts")).runCommand,
  status: async () => (await import("./status.ts")).statusCommand,
  check: async () => (await import("./check.ts")).checkCommand,
  queue: async () => (await import("./queue.ts")).queueCommand,
  evidence: async () => (await import("./evidence.ts")).evidenceCommand,
  "self-test": async () => (await import("./self-test.ts")).selfTestCommand,
  update: async () => (await import("./update.ts")).updateCommand,
  provision: async () => (await import("./provision.ts")).provisionCommand,
  orders: async () => (await import("./orders.ts")).ordersCommand,
  winrm: async () => (await import("./winrm.ts")).winrmCommand,
  runbook: async () => (await import("./runbook.ts")).runbookCommand,
  incident: async () => (await import("./incident.ts")).incidentCommand,
  baseline: async () => (await import("./baseline.ts")).baselineCommand,
};

/** Load every command (for `--help` and tests). */
export function loadAllCommands(): Promise<Command[]> {
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}
