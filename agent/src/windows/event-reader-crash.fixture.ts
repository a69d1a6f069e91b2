/**
 * Test helper run as a subprocess by event-reader-crash.test.ts: reads a host's event logs in small
 * batches from the bookmark in the given state DB, forever, printing each batch's new record ids
 * after its transaction committed. The parent kills it -9 mid-read.
 */
import { writeSync } from "node:fs";
import { openStateDb } from "../queue/db.ts";
import { WinRmExecutor } from "../runbooks/winrm-executor.ts";
import { WinRmClient } from "../winrm/client.ts";
import { readEventsOnce } from "./event-reader.ts";

const [path, port] = process.argv.slice(2);
const db = openStateDb(path!);
const client = new WinRmClient({
  host: "127.0.0.1",
  port: Number(port),
  auth: { scheme: "ntlm", user: "svc", password: "pw" },
});
const executor = new WinRmExecutor(client, "CLINIC-FS01");
for (;;) {
  const r = await readEventsOnce(db, executor, { maxEvents: 25 });
  writeSync(1, `${r.events.map((e) => e.recordId).join(" ")}\n`);
}
