import { describe, expect, test } from "bun:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { generateKeyPair, KeyFormatError, keyIdOf, publicKeyOf, sign, verify } from "./sign.ts";

const msg = new TextEncoder().encode("malachor evidence");

describe("Ed25519", () => {
  test("RFC 8032 test 1: empty message", () => {
    const secret = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const pub = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const expected =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    expect(publicKeyOf(secret)).toBe(pub);
    expect(sign(new Uint8Array(), secret)).toBe(expected);
    expect(verify(new Uint8Array(), expected, pub)).toBe(true);
  });

  test("sign/verify round trip and agreement with noble", () => {
    const kp = generateKeyPair();
    const sig = sign(msg, kp.secretKey);
    expect(verify(msg, sig, kp.publicKey)).toBe(true);
    expect(ed25519.verify(hexToBytes(sig), msg, hexToBytes(kp.publicKey))).toBe(true);
  });

  test("tampered message, signature or key fails", () => {
    const kp = generateKeyPair();
    const other = generateKeyPair();
    const sig = sign(msg, kp.secretKey);
    const flipped = msg.slice();
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(verify(flipped, sig, kp.publicKey)).toBe(false);
    // Flip a bit of s's low byte: its top byte is 0x00–0x10 (s < L), so overwriting that with 00
    // would often change nothing.
    const s0 = (Number.parseInt(sig.slice(64, 66), 16) ^ 1).toString(16).padStart(2, "0");
    expect(verify(msg, `${sig.slice(0, 64)}${s0}${sig.slice(66)}`, kp.publicKey)).toBe(false);
    expect(verify(msg, sig, other.publicKey)).toBe(false);
    expect(verify(msg, "zz", kp.publicKey)).toBe(false);
    expect(verify(msg, sig, "not-a-key")).toBe(false);
  });

  test("key id is 16 hex characters and stable", () => {
    const kp = generateKeyPair();
    expect(keyIdOf(kp.publicKey)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(kp.publicKey.toUpperCase())).toBe(keyIdOf(kp.publicKey));
  });

  test("malformed keys give a clear error", () => {
    expect(() => publicKeyOf("abc")).toThrow(KeyFormatError);
    expect(() => sign(msg, bytesToHex(new Uint8Array(31)))).toThrow("secret key must be 64 hex characters");
  });
});
