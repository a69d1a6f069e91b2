import { type ParseArgsConfig, parseArgs } from "node:util";
import { CliError } from "./command.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with errors turned into a CliError that shows the command's usage. */
export function parseCommandArgs<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\nusage: ${usage}`);
  }
}
