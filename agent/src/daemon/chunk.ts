import type { Finding } from "../../../protocol/finding.ts";

/** Most findings one bundle may carry (protocol/evidence.ts). */
export const MAX_FINDINGS_PER_BUNDLE = 2_000;
/** Serialized findings per bundle, well under the cloud's 8 MiB evidence body limit. */
export const MAX_FINDINGS_BYTES_PER_BUNDLE = 4 * 1024 * 1024;

/**
 * Split a cycle's findings into bundle-sized parts, in order, so a large fleet is recorded in
 * several chained bundles instead of being cut. Always returns at least one (possibly empty) part.
 */
export function chunkFindings(
  findings: readonly Finding[],
  maxCount = MAX_FINDINGS_PER_BUNDLE,
  maxBytes = MAX_FINDINGS_BYTES_PER_BUNDLE,
): Finding[][] {
  const parts: Finding[][] = [[]];
  let bytes = 0;
  for (const f of findings) {
    const size = Buffer.byteLength(JSON.stringify(f));
    const current = parts[parts.length - 1]!;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      parts.push([f]);
      bytes = size;
    } else {
      current.push(f);
      bytes += size;
    }
  }
  return parts;
}
