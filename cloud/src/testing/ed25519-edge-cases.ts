/** Ed25519 signatures at the edges of what verifiers accept (test fixtures). */
import { createHash } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";

const L = (1n << 252n) + 27742317777372353535851937790883648493n;
/** Encoding of (0, −1), the point of order 2. */
export const ORDER2_POINT = `ec${"ff".repeat(30)}7f`;

const le32 = (x: bigint) => Buffer.from(x.toString(16).padStart(64, "0"), "hex").reverse();
const fromLe = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).reverse().toString("hex")}`);

/** The same signature with s + L in place of s: the same scalar, but an encoding RFC 8032 refuses. */
export function withNonCanonicalS(sigHex: string): string {
  const s = fromLe(Buffer.from(sigHex.slice(64), "hex"));
  return sigHex.slice(0, 64) + le32(s + L).toString("hex");
}

/**
 * A signature whose R carries a point of order 2 (test fixture): it satisfies the cofactored
 * Ed25519 equation but not the cofactorless one node:crypto checks. Only the key's holder can
 * make one, since s must match the tweaked R.
 */
export function torsionSignature(message: Uint8Array, secretKeyHex: string): string {
  const { scalar: a, pointBytes } = ed25519.utils.getExtendedPublicKey(Buffer.from(secretKeyHex, "hex"));
  const r = fromLe(createHash("sha512").update("torsion").update(message).digest()) % L;
  const R = ed25519.Point.BASE.multiply(r).add(ed25519.Point.fromHex(ORDER2_POINT)).toBytes();
  const h = fromLe(createHash("sha512").update(R).update(pointBytes).update(message).digest()) % L;
  return Buffer.concat([R, le32((r + h * a) % L)]).toString("hex");
}
