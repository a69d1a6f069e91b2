import { expect, test } from "bun:test";
import { testRule } from "../../../../lib/rules/testing.ts";
import { generateKeyPair } from "../../../../protocol/sign.ts";
import { signPayload } from "../../../../protocol/signed.ts";
import { acceptRuleSet } from "./synced.ts";

const cloud = generateKeyPair();
const set = (version: number, rules = [testRule({ id: "fw" })]) => ({ version, rules });

test.each([
  ["newer version", signPayload(set(5), cloud.secretKey), 4, "ok"],
  ["same version", signPayload(set(4), cloud.secretKey), 4, "already in use"],
  ["older version (replay)", signPayload(set(3), cloud.secretKey), 4, "older than 4"],
  ["other key", signPayload(set(5), generateKeyPair().secretKey), 4, "not the trusted key"],
  ["tampered payload", { ...signPayload(set(5), cloud.secretKey), payload: set(6) }, 4, "does not match"],
  ["malformed rule", signPayload({ version: 5, rules: [{ id: "x" }] }, cloud.secretKey), 4, "rules.0"],
  [
    "bad regex",
    signPayload(
      set(5, [
        testRule({
          id: "re",
          match: { checks: ["*"], statuses: ["fail"], conditions: [{ field: "a", op: "regex", value: "(" }] },
        }),
      ]),
      cloud.secretKey,
    ),
    4,
    "invalid regex",
  ],
] as const)("%s", (_n, env, current, want) => {
  const r = acceptRuleSet(env, cloud.publicKey, current);
  if (want === "ok") expect(r.ok).toBe(true);
  else expect(!r.ok && r.reason).toContain(want);
});
