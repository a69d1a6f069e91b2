/** Where a command writes; injected so tests can capture output. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal (progress indicators are shown only then). */
  interactive: boolean;
}

/** One `malachor <name> …` subcommand. `run` returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: Io): Promise<number>;
}

/**
 * An error a field tech can act on. main prints `malachor: <message>` (no stack) and exits with `code`:
 * 2 usage, 1 the thing checked is bad, 3 environment (file missing, cloud unreachable…).
 */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, environment: 3 } as const;
