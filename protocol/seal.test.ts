import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import {
  generateSealKeyPair,
  openSecret,
  SealedSecret,
  SealOpenError,
  sealPublicKeyOf,
  sealSecret,
} from "./seal.ts";

const binding = { siteId: "s1", applianceId: "a1", targetId: "t1", version: 1 };
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("sealed secrets (HPKE X25519)", () => {
  test("round trip, and the public key derives from the secret key", async () => {
    const kp = await generateSealKeyPair();
    expect(sealPublicKeyOf(kp.secretKey)).toBe(kp.publicKey);
    const sealed = await sealSecret(new TextEncoder().encode("P@ss-1"), kp.publicKey, binding);
    expect(v.safeParse(SealedSecret, sealed).success).toBe(true);
    expect(sealed.ct).not.toContain("P@ss");
    expect(text(await openSecret(sealed, kp.secretKey, kp.publicKey, binding))).toBe("P@ss-1");
  });

  test.each([
    ["another target", { ...binding, targetId: "t2" }],
    ["another version", { ...binding, version: 2 }],
    ["another appliance", { ...binding, applianceId: "a2" }],
  ])("bound: refused for %s", async (_, other) => {
    const kp = await generateSealKeyPair();
    const sealed = await sealSecret(new TextEncoder().encode("x"), kp.publicKey, binding);
    await expect(openSecret(sealed, kp.secretKey, kp.publicKey, other)).rejects.toBeInstanceOf(SealOpenError);
  });

  test("another key: refused naming both key ids", async () => {
    const a = await generateSealKeyPair();
    const b = await generateSealKeyPair();
    const sealed = await sealSecret(new TextEncoder().encode("x"), a.publicKey, binding);
    await expect(openSecret(sealed, b.secretKey, b.publicKey, binding)).rejects.toThrow(
      /re-enter the credential/,
    );
  });

  test("a flipped ciphertext bit is refused", async () => {
    const kp = await generateSealKeyPair();
    const sealed = await sealSecret(new TextEncoder().encode("secret"), kp.publicKey, binding);
    const ct = Buffer.from(sealed.ct, "base64");
    ct[0]! ^= 1;
    await expect(
      openSecret({ ...sealed, ct: ct.toString("base64") }, kp.secretKey, kp.publicKey, binding),
    ).rejects.toBeInstanceOf(SealOpenError);
  });
});
