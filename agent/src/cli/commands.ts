import type { Command } from "./command.ts";
import { evidenceCommand } from "./evidence.ts";
import { ordersCommand } from "./orders.ts";
import { provisionCommand } from "./provision.ts";
import { selfTestCommand } from "./self-test.ts";
import { updateCommand } from "./update.ts";

/** Every `malachor` subcommand, one line each; `--help` lists them in this order. */
export const COMMANDS: Command[] = [
  evidenceCommand,
  selfTestCommand,
  updateCommand,
  provisionCommand,
  ordersCommand,
];
