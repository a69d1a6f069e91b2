import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  renameSync,
  rmSync,
} from "node:fs";
import { dirname } from "node:path";
import { UpdateError } from "./errors.ts";

/** Where the previous binary is kept after an update. */
export const previousPath = (target: string) => `${target}.prev`;

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replace `target` with the verified file `staged` (already in the same directory) atomically:
 * the previous binary is hard-linked to `<target>.prev` first, then `staged` is renamed over
 * `target`, so at every instant `target` is a complete executable, old or new.
 */
export function swapBinary(staged: string, target: string): void {
  const prev = previousPath(target);
  try {
    chmodSync(staged, 0o755);
    rmSync(prev, { force: true });
    if (existsSync(target)) {
      try {
        linkSync(target, prev);
      } catch {
        // Some file systems refuse hard links; a copy keeps the same guarantee, only slower.
        copyFileSync(target, prev);
      }
    }
    renameSync(staged, target);
    fsyncDir(dirname(target));
  } catch (e) {
    throw new UpdateError("install", `could not replace ${target}: ${(e as Error).message}`);
  }
}

/** Put `<target>.prev` back in place of `target` (atomic rename), after a failed health check. */
export function rollbackBinary(target: string): void {
  const prev = previousPath(target);
  if (!existsSync(prev)) throw new UpdateError("rollback", `no previous binary at ${prev} to roll back to`);
  try {
    // Keep .prev until the rename succeeded: link a copy of it into place, then drop the link name.
    const tmp = `${target}.rollback`;
    rmSync(tmp, { force: true });
    linkSync(prev, tmp);
    renameSync(tmp, target);
    fsyncDir(dirname(target));
  } catch (e) {
    throw new UpdateError("rollback", `could not restore ${prev} to ${target}: ${(e as Error).message}`);
  }
}
