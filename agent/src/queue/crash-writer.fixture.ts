/**
 * Test helper run as a subprocess by crash.test.ts: enqueues forever and prints each key only
 * after its enqueue returned (was acknowledged), so the parent knows what must survive kill -9.
 */
import { writeSync } from "node:fs";
import { openStateDb } from "./db.ts";
import { Queue } from "./queue.ts";

const [path, mode] = process.argv.slice(2);
const queue = new Queue(openStateDb(path!), { maxBytes: 1_000_000_000 });
const payload = JSON.stringify({ pad: "x".repeat(200) });
let n = 0;
for (;;) {
  if (mode === "batch") {
    const keys = Array.from({ length: 50 }, () => `k${++n}`);
    queue.enqueueMany(keys.map((key) => ({ stream: "evidence", key, payload })));
    writeSync(1, `${keys.join("\n")}\n`); // synchronous: in the pipe before the next enqueue
  } else {
    const key = `k${++n}`;
    queue.enqueue({ stream: n % 2 ? "evidence" : "telemetry", key, payload });
    writeSync(1, `${key}\n`);
  }
}
