import { hash } from "node:crypto";
import { canonicalBytes } from "./canonical.ts";

/** SHA-256 of bytes or UTF-8 text, as lowercase hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return hash("sha256", data, "hex");
}

/** SHA-256 of a value's RFC 8785 canonical form, as lowercase hex. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalBytes(value));
}
