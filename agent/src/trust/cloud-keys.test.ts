import { expect, test } from "bun:test";
import type { KeyRotation, SignedKeyRotation } from "../../../protocol/key-rotation.ts";
import { generateKeyPair, type KeyPair, keyIdOf } from "../../../protocol/sign.ts";
import { signPayload } from "../../../protocol/signed.ts";
import { checkOrder } from "../orders/check.ts";
import { sampleOrder, signOrder } from "../orders/testing.ts";
import { openStateDb } from "../queue/db.ts";
import { CloudKeyring } from "./cloud-keys.ts";

const HOUR = 3_600_000;
const t0 = new Date("2026-11-25T12:00:00.000Z");

function rotation(from: KeyPair, to: KeyPair, at: Date, signer: KeyPair = from): SignedKeyRotation {
  const payload: KeyRotation = {
    purpose: "malachor-cloud-key-rotation/v1",
    previousKeyId: keyIdOf(from.publicKey),
    keyId: keyIdOf(to.publicKey),
    publicKey: to.publicKey,
    validFrom: at.toISOString(),
    previousValidUntil: new Date(at.getTime() + 24 * HOUR).toISOString(),
  };
  return signPayload(payload, signer.secretKey);
}

function appliance(enrolledWith: KeyPair, clock: { now: Date }) {
  const keyring = new CloudKeyring(openStateDb(":memory:"), enrolledWith.publicKey, () => clock.now);
  const judge = (signer: KeyPair) =>
    checkOrder(signOrder(sampleOrder({ id: `ord-${Math.random()}` }, clock.now), signer.secretKey), {
      cloudPublicKey: keyring.lookup,
      siteId: "site-a",
      applianceId: "app-1",
      now: clock.now,
    });
  return { keyring, judge };
}

test("a new order key only through a rotation signed by the old one; orders by it refused without the rotation", () => {
  const k0 = generateKeyPair();
  const k1 = generateKeyPair();
  const clock = { now: t0 };
  const saw = appliance(k0, clock);
  const missed = appliance(k0, clock);
  const rot = rotation(k0, k1, t0);

  expect(saw.keyring.accept([rot])).toEqual({ accepted: [rot.payload] });
  expect(saw.keyring.current()?.keyId).toBe(keyIdOf(k1.publicKey));
  expect(saw.keyring.accept([rot])).toEqual({ accepted: [] }); // already taken: nothing twice

  expect(saw.judge(k1)).toMatchObject({ ok: true });
  const refused = missed.judge(k1);
  expect(refused).toMatchObject({ ok: false, code: "bad-signature" });
  expect(!refused.ok && refused.reason).toContain(
    `signed by key ${keyIdOf(k1.publicKey)}, which is not a trusted key`,
  );
  expect(missed.judge(generateKeyPair())).toMatchObject({ ok: false, code: "bad-signature" });

  // The old key keeps working through the overlap, not after it.
  expect(saw.judge(k0)).toMatchObject({ ok: true });
  expect(saw.keyring.trusted()).toEqual([k0.publicKey, k1.publicKey]);
  clock.now = new Date(t0.getTime() + 25 * HOUR);
  expect(saw.judge(k0)).toMatchObject({ ok: false, code: "bad-signature" });
  expect(saw.keyring.trusted()).toEqual([k1.publicKey]);
  expect(saw.judge(k1)).toMatchObject({ ok: true });
});

test("a rotation not signed by the current key is refused and changes nothing", () => {
  const k0 = generateKeyPair();
  const k1 = generateKeyPair();
  const k2 = generateKeyPair();
  const stranger = generateKeyPair();
  const clock = { now: t0 };
  const a = appliance(k0, clock);
  // Signed by the key it introduces, not by the trusted one.
  const forged = rotation(k0, k1, t0, k1);
  expect(a.keyring.accept([forged]).refused).toMatch(/not signed by the trusted key/);
  // A chain that skips the trusted key (k1 → k2 while k0 is trusted).
  expect(a.keyring.accept([rotation(k1, k2, t0)]).refused).toMatch(/replaces key .* not the trusted key/);
  expect(a.keyring.accept([rotation(stranger, k2, t0)]).refused).toBeDefined();
  expect(a.keyring.current()?.keyId).toBe(keyIdOf(k0.publicKey));
  expect(a.judge(k1)).toMatchObject({ ok: false });

  // A chain of two rotations is walked in order; a refused link stops it.
  const r1 = rotation(k0, k1, t0);
  const r2 = rotation(k1, k2, new Date(t0.getTime() + HOUR));
  expect(a.keyring.accept([r1, r2]).accepted.map((p) => p.keyId)).toEqual([
    keyIdOf(k1.publicKey),
    keyIdOf(k2.publicKey),
  ]);
  expect(a.judge(k2)).toMatchObject({ ok: true });
});

test("a config naming a key the keyring does not know starts it afresh (a new enrolment)", () => {
  const db = openStateDb(":memory:");
  const k0 = generateKeyPair();
  const k1 = generateKeyPair();
  const first = new CloudKeyring(db, k0.publicKey, () => t0);
  first.accept([rotation(k0, k1, t0)]);
  // The config still names the enrolment key: the rotated keyring stays.
  expect(new CloudKeyring(db, k0.publicKey, () => t0).current()?.publicKey).toBe(k1.publicKey);
  const other = generateKeyPair();
  const fresh = new CloudKeyring(db, other.publicKey, () => t0);
  expect(fresh.current()?.publicKey).toBe(other.publicKey);
  expect(fresh.lookup(keyIdOf(k1.publicKey))).toBeUndefined();
});
