import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "malachor-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Start the writer, read acknowledged keys until `target`, then kill -9 it mid-stream. */
async function killMidStream(
  mode: "single" | "batch",
  target: number,
): Promise<{ db: string; acked: string[] }> {
  const db = join(dir, `${mode}.db`);
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "crash-writer.fixture.ts"), db, mode], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const acked: string[] = [];
  let buf = "";
  let killed = false;
  const decoder = new TextDecoder();
  // Keep reading after the kill: every line already in the pipe was acknowledged before it.
  for await (const chunk of child.stdout) {
    buf += decoder.decode(chunk, { stream: true });
    const lines = buf.split("\n");
    buf = lines.pop()!;
    acked.push(...lines);
    if (!killed && acked.length >= target) {
      child.kill("SIGKILL");
      killed = true;
    }
  }
  await child.exited;
  expect(child.signalCode).toBe("SIGKILL");
  return { db, acked };
}

test.each([
  ["single", 400, 1],
  ["batch", 2_000, 50],
] as const)("kill -9 of a %s writer loses no acknowledged enqueue", async (mode, target, step) => {
  const { db, acked } = await killMidStream(mode, target);
  const conn = new Database(db);
  try {
    expect(conn.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    const keys = new Set(
      conn
        .query<{ key: string }, []>("SELECT key FROM queue")
        .all()
        .map((r) => r.key),
    );
    for (const k of acked) expect(keys.has(k)).toBe(true);
    // The writer may have committed at most one more enqueue (batch) than it managed to print.
    expect(keys.size - acked.length).toBeLessThanOrEqual(step);
    // Rows are contiguous k1..kN: nothing in the middle went missing either.
    for (let i = 1; i <= keys.size; i++) expect(keys.has(`k${i}`)).toBe(true);
  } finally {
    conn.close();
  }
});
