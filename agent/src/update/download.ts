import { createHash } from "node:crypto";
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from "node:fs";
import type { UpdateMetadata } from "../../../protocol/update.ts";
import { UpdateError } from "./errors.ts";

/** Fetches a release binary: the cloud client's authenticated GET, or plain fetch in tests. */
export type BinaryFetcher = (url: string) => Promise<Response>;

/**
 * Download a release to `dest` (created 0700), stopping as soon as it grows past the signed size,
 * then check size and SHA-256 against the signed metadata and fsync. On any failure the partial
 * file is removed and an UpdateError names the mismatch.
 */
export async function downloadVerified(
  fetcher: BinaryFetcher,
  meta: UpdateMetadata,
  dest: string,
): Promise<void> {
  let res: Response;
  try {
    res = await fetcher(meta.url);
  } catch (e) {
    throw new UpdateError("download", `${meta.url}: ${(e as Error).message}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new UpdateError("download", `${meta.url}: HTTP ${res.status}`);
  }
  let fd: number;
  try {
    fd = openSync(dest, "w", 0o700);
  } catch (e) {
    await res.body.cancel();
    throw new UpdateError(
      "install",
      `cannot write ${dest} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): remote update needs the binary in a writable directory`,
    );
  }
  const hash = createHash("sha256");
  let size = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > meta.size) {
        await reader.cancel();
        throw new UpdateError("verify", `${meta.url} is larger than the signed size of ${meta.size} bytes`);
      }
      hash.update(value);
      let off = 0;
      while (off < value.byteLength) off += writeSync(fd, value, off);
    }
    if (size !== meta.size) {
      throw new UpdateError("verify", `${meta.url}: got ${size} bytes, the signed size is ${meta.size}`);
    }
    const digest = hash.digest("hex");
    if (digest !== meta.sha256) {
      throw new UpdateError(
        "verify",
        `${meta.url}: SHA-256 ${digest} does not match the signed ${meta.sha256}`,
      );
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(dest, { force: true });
    if (e instanceof UpdateError) throw e;
    throw new UpdateError("download", `${meta.url}: ${(e as Error).message}`);
  }
  closeSync(fd);
}
