import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { generateKeyPair, type KeyPair, sign, verify } from "../../../protocol/sign.ts";
import { ORDER2_POINT, torsionSignature, withNonCanonicalS } from "../testing/ed25519-edge-cases.ts";
import { testNativeVerifier } from "../testing/native-verifier.ts";
import { loadNativeBatchVerifier, type SigCheck } from "./ed25519-batch.ts";

const startBatch = testNativeVerifier();
const allValid = (checks: readonly SigCheck[]) => startBatch(checks).finish();
const eachValid = (checks: readonly SigCheck[]) =>
  checks.every((c) => verify(c.message, c.sigHex, c.publicKeyHex));

// RFC 8032 §7.1, tests 1–3: [secret, public, message, signature].
const RFC8032 = [
  [
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  ],
  [
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    "72",
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  ],
  [
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    "af82",
    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  ],
] as const;

const keys: KeyPair[] = Array.from({ length: 3 }, () => generateKeyPair());
/** n valid checks over the three keys; message lengths sweep SHA-512's block and padding edges. */
function validChecks(n: number): SigCheck[] {
  return Array.from({ length: n }, (_, i) => {
    const key = keys[i % keys.length]!;
    const message = new Uint8Array(1 + ((i * 37) % 300)).map((_, j) => (i * 31 + j) & 0xff);
    return { message, sigHex: sign(message, key.secretKey), publicKeyHex: key.publicKey };
  });
}

const flipHexByte = (hex: string, at: number) =>
  hex.slice(0, 2 * at) +
  (Number.parseInt(hex.slice(2 * at, 2 * at + 2), 16) ^ 1).toString(16).padStart(2, "0") +
  hex.slice(2 * at + 2);

describe("native Ed25519 batch verifier", () => {
  test("accepts the RFC 8032 vectors, together and one by one", () => {
    const checks = RFC8032.map(([, pub, msg, sig]) => ({
      message: Buffer.from(msg, "hex"),
      sigHex: sig,
      publicKeyHex: pub,
    }));
    expect(allValid(checks)).toBe(true);
    for (const c of checks) expect(allValid([c])).toBe(true);
    for (const [secret, , msg, sig] of RFC8032) expect(sign(Buffer.from(msg, "hex"), secret)).toBe(sig);
  });

  test("accepts valid batches of every size it meets, over several keys", () => {
    for (const n of [1, 2, 31, 32, 255, 500, 1500]) expect(allValid(validChecks(n))).toBe(true);
    expect(allValid([])).toBe(true);
  });

  const corruptions: [string, (c: SigCheck) => SigCheck][] = [
    ["a flipped message byte", (c) => ({ ...c, message: c.message.map((b, j) => (j === 0 ? b ^ 1 : b)) })],
    ["a flipped byte of R", (c) => ({ ...c, sigHex: flipHexByte(c.sigHex, 3) })],
    ["a flipped byte of s", (c) => ({ ...c, sigHex: flipHexByte(c.sigHex, 40) })],
    ["s + L (same scalar, non-canonical)", (c) => ({ ...c, sigHex: withNonCanonicalS(c.sigHex) })],
    ["another signer's key", (c) => ({ ...c, publicKeyHex: generateKeyPair().publicKey })],
    ["R encoded with y ≥ p", (c) => ({ ...c, sigHex: `ee${"ff".repeat(30)}7f${c.sigHex.slice(64)}` })],
    ["a key with a small-order component", (c) => ({ ...c, publicKeyHex: ORDER2_POINT })],
    ["a signature that is not hex", (c) => ({ ...c, sigHex: `zz${c.sigHex.slice(2)}` })],
  ];
  test.each(corruptions)("refuses a batch holding %s, wherever it sits", (_, corrupt) => {
    for (const at of [0, 137, 299]) {
      const checks = validChecks(300);
      checks[at] = corrupt(checks[at]!);
      expect(eachValid(checks)).toBe(false);
      expect(allValid(checks)).toBe(false);
    }
  });

  test("agrees with node:crypto on random damage (batch true ⇒ every signature valid)", () => {
    const base = validChecks(64);
    for (let trial = 0; trial < 150; trial++) {
      const checks = [...base];
      const at = trial % checks.length;
      const c = checks[at]!;
      const byte = (trial * 7) % 64;
      checks[at] = trial % 3 === 0 ? c : { ...c, sigHex: flipHexByte(c.sigHex, byte) };
      expect(allValid(checks)).toBe(eachValid(checks));
    }
  });

  test("checks the cofactored equation: R plus a point of order 2 passes here, not in node:crypto", () => {
    // The chain audit checks every bundle no later hash link covers with node:crypto
    // (verify-stored.ts), so its verdicts stay node's.
    const key = keys[0]!;
    const message = Buffer.from("torsion");
    const sigHex = torsionSignature(message, key.secretKey);
    expect(verify(message, sigHex, key.publicKey)).toBe(false);
    expect(allValid([{ message, sigHex, publicKeyHex: key.publicKey }])).toBe(true);
  });

  test("settle() gives finish()'s verdict without blocking, and a batch may be finished twice", async () => {
    const good = startBatch(validChecks(200));
    const bad = validChecks(200);
    bad[5] = { ...bad[5]!, sigHex: flipHexByte(bad[5]!.sigHex, 50) };
    const refused = startBatch(bad);
    expect(await Promise.all([good.settle(), refused.settle()])).toEqual([true, false]);
    expect(good.finish()).toBe(true);
    expect(refused.finish()).toBe(false);
  });

  test("is absent, not broken, when the library was never built", () => {
    expect(loadNativeBatchVerifier(join(import.meta.dir, "no-such-library.so"))).toBeNull();
  });
});
