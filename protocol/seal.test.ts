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

  test("the public key of RFC 7748 §6.1's key pairs", () => {
    expect(sealPublicKeyOf("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")).toBe(
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
    );
    expect(sealPublicKeyOf("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")).toBe(
      "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
    );
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
