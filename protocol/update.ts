import * as v from "valibot";
import { Hex64, PosInt, Timestamp } from "./common.ts";
import { Signed } from "./signed.ts";

/** Signed metadata of an agent release (TUF-style "targets" kept simple). */
export const UpdateMetadata = v.strictObject({
  version: v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+$/, "must be MAJOR.MINOR.PATCH")),
  sha256: Hex64,
  size: PosInt,
  url: v.string(),
  platform: v.literal("linux-x64"),
  expiresAt: Timestamp,
});
export type UpdateMetadata = v.InferOutput<typeof UpdateMetadata>;

export const SignedUpdate = Signed(UpdateMetadata);
export type SignedUpdate = v.InferOutput<typeof SignedUpdate>;

/** Compare semantic versions MAJOR.MINOR.PATCH: negative if a < b, 0 if equal, positive if a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.+-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
