import { checkCommand } from "./check.ts";
import type { Command } from "./command.ts";
import { evidenceCommand } from "./evidence.ts";
import { incidentCommand } from "./incident.ts";
import { ordersCommand } from "./orders.ts";
import { provisionCommand } from "./provision.ts";
import { queueCommand } from "./queue.ts";
import { runCommand } from "./run.ts";
import { runbookCommand } from "./runbook.ts";
import { selfTestCommand } from "./self-test.ts";
import { statusCommand } from "./status.ts";
import { updateCommand } from "./update.ts";
import { winrmCommand } from "./winrm.ts";

/** Every `malachor` subcommand, one line each; `--help` lists them in this order. */
export const COMMANDS: Command[] = [
  runCommand,
  statusCommand,
  checkCommand,
  queueCommand,
  evidenceCommand,
  selfTestCommand,
  updateCommand,
  provisionCommand,
  ordersCommand,
  winrmCommand,
  runbookCommand,
  incidentCommand,
];
