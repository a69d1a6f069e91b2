import { sha256Hex } from "../../../protocol/hash.ts";
import type { UpdateMetadata } from "../../../protocol/update.ts";

/** A stand-in agent executable for update tests: a shell script answering --version and self-test. */
export function fakeAgentScript(version: string, selfTestExit = 0): string {
  return [
    "#!/bin/sh",
    `if [ "$1" = "--version" ]; then echo "malachor ${version}"; exit 0; fi`,
    `if [ "$1" = "self-test" ]; then echo "self-test ${selfTestExit === 0 ? "OK" : "FAILED"}"; exit ${selfTestExit}; fi`,
    "exit 2",
    "",
  ].join("\n");
}

/** Update metadata describing `bytes`, valid for a day. */
export function metadataFor(
  bytes: Uint8Array | string,
  version: string,
  url: string,
  now = new Date(),
): UpdateMetadata {
  const buf = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  return {
    version,
    sha256: sha256Hex(buf),
    size: buf.byteLength,
    url,
    platform: "linux-x64",
    expiresAt: new Date(now.getTime() + 24 * 3600_000).toISOString(),
  };
}
