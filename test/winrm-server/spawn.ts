import { join } from "node:path";

/**
 * The WinRM test server (main.ts) in a child process on a free loopback port, so that its CPU is
 * not charged to the caller (benchmarks measure the client); `extra` are more main.ts flags.
 */
export async function spawnWinRmServer(user: string, password: string, extra: string[] = []) {
  const child = Bun.spawn(
    [
      process.execPath,
      join(import.meta.dir, "main.ts"),
      "--port",
      "0",
      "--user",
      user,
      "--password",
      password,
      ...extra,
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  // main.ts prints one JSON line {"url","port","hostname"} once it listens.
  const first = new TextDecoder().decode((await child.stdout.getReader().read()).value);
  const { port } = JSON.parse(first.split("\n")[0] as string) as { port: number };
  return { child, port };
}
