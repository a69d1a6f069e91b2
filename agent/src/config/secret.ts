import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

/** A secret file (API key, identity key, password) that is missing or readable by others. */
export class SecretFileError extends Error {
  override name = "SecretFileError";
}

/**
 * Read a secret file, refusing one that group or others may read (an identity key anyone can read
 * is no identity). Returns the content without surrounding whitespace.
 */
export function readSecretFile(path: string, what: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SecretFileError(`${what} ${path}: ${code === "ENOENT" ? "no such file" : String(e)}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new SecretFileError(
      `${what} ${path}: mode ${(mode & 0o777).toString(8)} lets other users read it; run: chmod 600 ${path}`,
    );
  }
  const text = readFileSync(path, "utf8").trim();
  if (!text) throw new SecretFileError(`${what} ${path}: file is empty`);
  return text;
}

/** Write a secret file atomically with mode 0600 (temp file, fsync, rename, fsync directory). */
export function writeSecretFile(path: string, content: string): void {
  const tmp = join(dirname(path), `.${Date.now()}-${process.pid}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameDurably(tmp, path);
}

/** Rename a file over another and fsync the directory, so the move survives a power loss. */
export function renameDurably(from: string, to: string): void {
  renameSync(from, to);
  const dfd = openSync(dirname(to), "r");
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}
