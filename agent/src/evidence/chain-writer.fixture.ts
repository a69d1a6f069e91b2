/**
 * Test helper run as a subprocess by chain-store.test.ts: appends bundles forever and prints each
 * seq once append returned, so the parent can kill -9 it mid-stream and inspect the store.
 */
import { writeSync } from "node:fs";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { openStateDb } from "../queue/db.ts";
import { Queue } from "../queue/queue.ts";
import { ChainStore } from "./chain-store.ts";
import { loadIdentity } from "./identity.ts";

const [dbPath, keyPath] = process.argv.slice(2);
const store = new ChainStore(
  new Queue(openStateDb(dbPath!), { maxBytes: 1e9 }),
  { siteId: "site-a", applianceId: "app-1" },
  loadIdentity(keyPath!),
);
for (;;) {
  const at = new Date().toISOString();
  const b = store.append({
    kind: "check-cycle",
    createdAt: at,
    findings: [sampleFinding({ observedAt: at })],
  });
  writeSync(1, `${b.seq}\n`);
}
