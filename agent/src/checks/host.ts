/** Output of a program run on a host. `code` 127 means the program does not exist. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Everything a check may ask of the machine it inspects. Checks do no I/O of their own, so tests
 * can feed recorded command output (FixtureHost) and production uses the real machine (RealHost)
 * or a Linux/macOS machine over SSH (SshHost, agent/src/ssh/; targets in agent/src/ssh/target.ts).
 */
export interface Host {
  /** Run a program (no shell) with LC_ALL=C; never throws for a non-zero exit. */
  run(argv: readonly string[], opts?: { timeoutMs?: number }): Promise<CommandResult>;
  /** Text of a file, or null when it does not exist or cannot be read. */
  readFile(path: string): Promise<string | null>;
  /** Target of a symbolic link, or null. */
  readLink(path: string): Promise<string | null>;
  /** Names in a directory, or null when it does not exist. */
  listDir(path: string): Promise<string[] | null>;
  /** Milliseconds since the epoch, sub-millisecond where the clock allows. */
  now(): number;
  /** Send one UDP datagram and return the first reply and the local time it arrived. */
  udpRequest(
    host: string,
    port: number,
    payload: Uint8Array,
    timeoutMs: number,
  ): Promise<{ reply: Uint8Array; receivedAt: number }>;
  /** This machine's host name. */
  hostname(): string;
}
