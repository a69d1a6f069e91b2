import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import * as v from "valibot";
import { Timestamp } from "../../../protocol/common.ts";

/**
 * An installed update awaiting confirmation by the restarted daemon. `starts` counts how often the
 * new version started without confirming; past a limit the update is rolled back.
 */
export const PendingUpdate = v.strictObject({
  state: v.picklist(["installed", "rolled-back"]),
  version: v.string(),
  previousVersion: v.string(),
  target: v.string(),
  installedAt: Timestamp,
  starts: v.pipe(v.number(), v.integer(), v.minValue(0)),
  reason: v.optional(v.string()),
});
export type PendingUpdate = v.InferOutput<typeof PendingUpdate>;

/** Read the marker; a missing file is `undefined`, an unreadable one is discarded as such. */
export function readPending(path: string): PendingUpdate | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return v.parse(PendingUpdate, JSON.parse(readFileSync(path, "utf8")));
  } catch {
    rmSync(path, { force: true });
    return undefined;
  }
}

/** Write the marker atomically (temp file, fsync, rename) so a crash never leaves half of it. */
export function writePending(path: string, rec: PendingUpdate): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, JSON.stringify(rec));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Remove the marker. */
export function clearPending(path: string): void {
  rmSync(path, { force: true });
}
