/**
 * Test helper process: drains the evidence outbox of the Postgres database at argv[2] into the
 * directory store at argv[3], slowly, printing each object written, so a test can kill -9 it
 * in the middle of a pass.
 */

import { systemClock } from "../clock.ts";
import { defaultCloudConfig } from "../config.ts";
import { openDb } from "../db/client.ts";
import { evidenceBodies } from "../evidence/bodies.ts";
import { drainOutbox } from "../evidence/outbox.ts";
import { freshCloudKeys } from "../keys/cloud-keys.ts";
import { memoryLogger } from "../logger.ts";
import { Metrics } from "../metrics/registry.ts";
import { dirStore } from "../store/dir-store.ts";
import type { ObjectStore } from "../store/object-store.ts";

const [url, dir] = process.argv.slice(2);
if (!url || !dir) throw new Error("usage: drain-child.ts <postgres-url> <store-dir>");
const handle = await openDb({ url, maxConnections: 2 });
const base = dirStore(dir);
const slow: ObjectStore = {
  ...base,
  async put(key, body, opts) {
    const r = await base.put(key, body, opts);
    process.stdout.write(`put ${key}\n`);
    await Bun.sleep(25);
    return r;
  },
};
const deps = {
  db: handle.db,
  dbKind: handle.kind,
  store: slow,
  bodies: evidenceBodies(handle.db, slow),
  clock: systemClock,
  keys: freshCloudKeys(),
  logger: memoryLogger(),
  metrics: new Metrics(),
  config: defaultCloudConfig(),
};
await drainOutbox(deps, { store: slow });
process.stdout.write("done\n");
await handle.close();
