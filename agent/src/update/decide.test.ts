import { describe, expect, test } from "bun:test";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { signPayload } from "../../../protocol/signed.ts";
import { decideUpdate } from "./decide.ts";
import { metadataFor } from "./testing.ts";

const key = generateKeyPair();
const now = new Date("2026-11-25T12:00:00.000Z");
const ctx = { trustedKey: key.publicKey, currentVersion: "0.2.0", now };
const meta = (version: string, over = {}) => ({
  ...metadataFor("bin", version, "/agent/update/binary", now),
  ...over,
});

describe("decideUpdate", () => {
  test("a signed, unexpired, newer release is installed", () => {
    const m = meta("0.3.0");
    expect(decideUpdate(signPayload(m, key.secretKey), ctx)).toEqual({ action: "install", meta: m });
  });

  test.each([
    ["not an envelope", () => ({ hello: 1 }), "malformed", /malformed: payload/],
    [
      "bad version string",
      () => signPayload(meta("1.0"), key.secretKey),
      "malformed",
      /version: must be MAJOR/,
    ],
    [
      "another key",
      () => signPayload(meta("0.3.0"), generateKeyPair().secretKey),
      "bad-signature",
      /not the trusted key/,
    ],
    [
      "tampered sha256",
      () => ({
        ...signPayload(meta("0.3.0"), key.secretKey),
        payload: meta("0.3.0", { sha256: "f".repeat(64) }),
      }),
      "bad-signature",
      /does not match/,
    ],
    [
      "expired",
      () => signPayload(meta("0.3.0", { expiresAt: "2026-11-25T11:00:00.000Z" }), key.secretKey),
      "expired",
      /expired at 2026-11-25T11:00:00.000Z; staying on 0.2.0/,
    ],
    [
      "older",
      () => signPayload(meta("0.1.9"), key.secretKey),
      "not-newer",
      /0.1.9 is not newer than the running 0.2.0; never downgrading/,
    ],
    ["equal", () => signPayload(meta("0.2.0"), key.secretKey), "not-newer", /not newer/],
  ] as const)("%s → skipped", (_n, make, code, reason) => {
    const d = decideUpdate(make(), ctx);
    expect(d.action).toBe("skip");
    if (d.action !== "skip") return;
    expect(d.code).toBe(code);
    expect(d.reason).toMatch(reason);
  });
});
