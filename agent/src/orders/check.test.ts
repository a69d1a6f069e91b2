import { describe, expect, test } from "bun:test";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { checkOrder, type RefusalCode } from "./check.ts";
import { sampleOrder, signOrder } from "./testing.ts";

const cloud = generateKeyPair();
const now = new Date("2026-11-25T12:00:00.000Z");
const ctx = { cloudPublicKey: cloud.publicKey, siteId: "site-a", applianceId: "app-1", now };
const signed = (o: object) => signOrder(o, cloud.secretKey);
const base = sampleOrder({ id: "ord-1" }, now);

describe("checkOrder", () => {
  test("a good order is accepted with its parsed payload", () => {
    const r = checkOrder(signed(base), ctx);
    expect(r).toEqual({ ok: true, order: base });
  });

  const refused: [string, () => unknown, RefusalCode, RegExp][] = [
    ["not an object", () => "hello", "malformed", /envelope is malformed/],
    ["no signature", () => ({ payload: base, keyId: "0".repeat(16) }), "malformed", /sig/],
    [
      "signed by another key",
      () => signOrder(base, generateKeyPair().secretKey),
      "bad-signature",
      /not the trusted key/,
    ],
    [
      "payload altered after signing",
      () => ({ ...signed(base), payload: { ...base, type: "run_runbook" } }),
      "bad-signature",
      /does not match/,
    ],
    [
      "unknown type",
      () => signed({ ...base, type: "format_disk" }),
      "unknown-type",
      /unknown order type "format_disk"/,
    ],
    ["extra field", () => signed({ ...base, sudo: true }), "malformed", /order is malformed/],
    [
      "bad params",
      () => signed({ ...base, type: "run_runbook", params: { runbookId: "Bad Id!" } }),
      "bad-params",
      /run_runbook parameters rejected: runbookId/,
    ],
    [
      "other appliance",
      () => signed({ ...base, applianceId: "app-2" }),
      "wrong-target",
      /for appliance app-2 of site site-a, this is app-1/,
    ],
    ["other site", () => signed({ ...base, siteId: "site-b" }), "wrong-target", /site site-b/],
    [
      "expired",
      () => signed({ ...base, issuedAt: "2026-11-25T11:00:00.000Z", expiresAt: "2026-11-25T11:59:59.000Z" }),
      "expired",
      /expired at 2026-11-25T11:59:59.000Z/,
    ],
    [
      "issued in the future",
      () => signed({ ...base, issuedAt: "2026-11-25T13:00:00.000Z", expiresAt: "2026-11-25T14:00:00.000Z" }),
      "not-yet-valid",
      /later than this appliance's clock/,
    ],
    [
      "expires before issued",
      () => signed({ ...base, issuedAt: "2026-11-25T11:00:00.000Z", expiresAt: "2026-11-25T10:00:00.000Z" }),
      "malformed",
      /expires .* before it was issued/,
    ],
  ];
  test.each(refused)("%s → refused", (_name, make, code, reason) => {
    const r = checkOrder(make(), ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.reason).toMatch(reason);
  });

  test("without a configured cloud key every order is refused", () => {
    const r = checkOrder(signed(base), { ...ctx, cloudPublicKey: undefined });
    expect(r).toMatchObject({
      ok: false,
      code: "bad-signature",
      reason: expect.stringMatching(/no \[cloud\] public_key/),
    });
  });

  test("a refusal carries the order id when the payload has a valid one", () => {
    const r = checkOrder(signOrder(base, generateKeyPair().secretKey), ctx);
    expect(r.ok ? undefined : r.orderId).toBe("ord-1");
    const junk = checkOrder({ payload: { id: "../etc" } }, ctx);
    expect(junk.ok ? "" : junk.orderId).toBeUndefined();
  });
});
