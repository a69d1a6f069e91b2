import { main } from "../main.ts";
import type { Io } from "./command.ts";

/** Run the CLI in-process (as `malachor <args>`), capturing its output: for command tests. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false };
  const code = await main(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}
