import { type ParseArgsConfig, parseArgs } from "node:util";
import { CliError, type Command, type Io } from "./command.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with errors turned into a CliError that shows the command's usage. */
export function parseCommandArgs<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\nusage: ${usage}`);
  }
}

/** The flags most commands take: which config file, and machine-readable output. */
export const CONFIG_AND_JSON = {
  config: { type: "string" },
  json: { type: "boolean" },
} as const satisfies Options;

/** A command whose flags are parsed (strictly, with its usage on error) before `run` sees them. */
export function flagCommand<O extends Options>(
  spec: { name: string; summary: string; usage: string; options: O },
  run: (parsed: ReturnType<typeof parseCommandArgs<O>>, io: Io) => Promise<number>,
): Command {
  const { options, ...described } = spec;
  return { ...described, run: (args, io) => run(parseCommandArgs(args, options, spec.usage), io) };
}

/** A command whose first word picks one of `subcommands`, each given the words after it. */
export function subcommandCommand(spec: {
  name: string;
  summary: string;
  usage: string;
  subcommands: Record<string, (args: string[], io: Io) => number | Promise<number>>;
}): Command {
  const { subcommands, ...described } = spec;
  return {
    ...described,
    async run(args, io) {
      const [sub, ...rest] = args;
      const handler = sub !== undefined && Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
      if (!handler)
        throw new CliError(`unknown ${spec.name} subcommand "${sub ?? ""}"\nusage: ${spec.usage}`);
      return handler(rest, io);
    },
  };
}
