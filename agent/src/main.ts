import { CliError, EXIT, type Io } from "./cli/command.ts";
import { COMMANDS, loadAllCommands } from "./cli/commands.ts";
import { AGENT_VERSION } from "./version.ts";

async function help(): Promise<string> {
  const commands = await loadAllCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `malachor ${AGENT_VERSION} — HIPAA drift detection, healing and signed evidence for clinic appliances`,
    "",
    "usage: malachor <command> [options]",
    "",
    "commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "  --version  print the version",
    "  --help     print this help; `malachor <command> --help` for a command's usage",
  ].join("\n");
}

/** Run the CLI with argv (without the executable) and return the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(await help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    io.out(`malachor ${AGENT_VERSION}`);
    return EXIT.ok;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.err(`malachor: unknown command "${name}" (see malachor --help)`);
    return EXIT.usage;
  }
  const cmd = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`usage: ${cmd.usage}`);
    return EXIT.ok;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`malachor: ${e.message}`);
      return e.code;
    }
    // Never show a stack trace to a field tech unless asked for.
    io.err(`malachor ${name}: internal error: ${(e as Error)?.message ?? String(e)}`);
    if (process.env.MALACHOR_DEBUG) io.err(String((e as Error)?.stack));
    return EXIT.environment;
  }
}

if (import.meta.main) {
  const io: Io = {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    interactive: Boolean(process.stderr.isTTY),
  };
  // No top-level await: the compiled binary is built as bytecode, which needs a CommonJS entry.
  void main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
