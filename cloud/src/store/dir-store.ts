import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readdir, readFile, unlink } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { assertSafeKey, ObjectLockedError, type ObjectStore, type PutOutcome } from "./object-store.ts";

/**
 * Local directory store: each object is written to a temporary file, fsync'd, made read-only and
 * then hard-linked into place (atomic, fails if the name exists), so a crash never leaves a
 * half-written object under its real name. Overwriting and deleting are refused in code.
 */
export function dirStore(root: string): ObjectStore {
  return {
    kind: "dir",
    async put(key, body): Promise<PutOutcome> {
      assertSafeKey(key);
      const path = join(root, key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
      const fh = await open(tmp, "wx", 0o600);
      try {
        await fh.writeFile(body);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await chmod(tmp, 0o444);
      try {
        await link(tmp, path);
        return "created";
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const existing = await readFile(path);
        if (Buffer.compare(existing, Buffer.from(body)) === 0) return "already-present";
        throw new ObjectLockedError(`${key} already exists with different content; refusing to overwrite`);
      } finally {
        await unlink(tmp);
      }
    },
    async get(key) {
      assertSafeKey(key);
      try {
        return new Uint8Array(await readFile(join(root, key)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
      }
    },
    async *list(prefix) {
      let names: string[];
      try {
        names = await readdir(root, { recursive: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
        throw e;
      }
      // Temporary files of a write in progress are never objects.
      for (const n of names)
        if (n.startsWith(prefix) && /\.json(\.gz)?$/.test(n)) yield n.split(sep).join("/");
    },
    async delete(key) {
      assertSafeKey(key);
      throw new ObjectLockedError(`${key}: the evidence store is write-once; delete refused`);
    },
  };
}
