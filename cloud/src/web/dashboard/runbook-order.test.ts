import { expect, test } from "bun:test";
import { runbookById } from "../../../../runbooks/index.ts";
import { runbookOrderFromForm } from "./runbook-order.ts";

const spec = runbookById("windows.password-policy")!.spec;

test("a filled form becomes a run_runbook order with typed parameters", () => {
  const r = runbookOrderFromForm(spec, {
    host: "FRONTDESK-2",
    p_min_length: "14",
    p_lockout_threshold: "5",
    p_lockout_minutes: "30",
    reason: "policy review",
  });
  expect(r).toEqual({
    ok: true,
    order: {
      type: "run_runbook",
      params: {
        runbookId: "windows.password-policy",
        host: "FRONTDESK-2",
        params: { min_length: 14, lockout_threshold: 5, lockout_minutes: 30 },
      },
      reason: "policy review",
    },
  });
});

test.each([
  ["out of bounds", { p_min_length: "4" }, "p_min_length", "must be between 8 and 14"],
  ["not a number", { p_lockout_minutes: "soon" }, "p_lockout_minutes", "must be an integer"],
  ["no host", { host: "" }, "host", "host name:"],
])("%s: the error names its own field", (_, bad, field, message) => {
  const r = runbookOrderFromForm(spec, {
    host: "FRONTDESK-2",
    p_min_length: "12",
    p_lockout_threshold: "5",
    p_lockout_minutes: "30",
    ...bad,
  });
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(Object.keys(r.errors)).toEqual([field]);
    expect(r.errors[field]).toContain(message);
  }
});
