import { randomBytes } from "node:crypto";
import { sha256Hex } from "../../../protocol/hash.ts";

/** Prefixes tell at a glance what a leaked secret is. */
export const API_KEY_PREFIX = "mlk_";
export const ADMIN_TOKEN_PREFIX = "mla_";

/** A new high-entropy secret (256 bits) with a prefix. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** How secrets are stored: SHA-256 (enough for 256-bit random secrets; no slow hash needed). */
export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

/** A short random id with a prefix, e.g. `ord_3f9a…`. */
export function newId(prefix: string, bytes = 10): string {
  return `${prefix}${randomBytes(bytes).toString("hex")}`;
}

/** The bearer secret of a request, or null. */
export function bearerOf(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer ([A-Za-z0-9_\-.~+/=]{8,200})$/.exec(header.trim());
  return m ? m[1]! : null;
}
