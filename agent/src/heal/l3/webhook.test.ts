import { expect, test } from "bun:test";
import { verifyWebhook, webhookSignature } from "./webhook.ts";

const body = '{"event":"incident.opened"}';
const now = 1_764_064_800;
const good = { signature: webhookSignature("s", now, body), timestamp: String(now) };

test.each([
  ["the signed request", good, body, now, true],
  ["a tampered body", good, body.replace("opened", "resolved"), now, false],
  ["another secret", { ...good, signature: webhookSignature("t", now, body) }, body, now, false],
  ["a replay ten minutes later", good, body, now + 600, false],
  ["a missing signature", { ...good, signature: null }, body, now, false],
  ["a non-numeric timestamp", { ...good, timestamp: "soon" }, body, now, false],
])("%s", (_n, headers, b, at, want) => {
  expect(verifyWebhook("s", headers, b, at)).toBe(want);
});

test("the signature is sha256= and 64 hex", () => {
  expect(good.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
});
