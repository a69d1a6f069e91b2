import { expect, test } from "bun:test";
import { POLICY_LIBRARY } from "../../../protocol/program-catalogue.ts";
import { renderPolicy } from "./policy-texts.ts";

const names = {
  clinic: "Riverside Family Practice",
  security: "Dana Reyes",
  privacy: "Sam Lee",
  effective: "2026-12-05",
};

test("every policy of the library (at least the eight HIPAA asks for) has a text naming the clinic and its officers", () => {
  const ids = POLICY_LIBRARY.map((p) => p.id);
  for (const must of [
    "access-control",
    "audit-logging",
    "contingency-backup",
    "incident-response",
    "device-media",
    "workforce-security",
    "sanctions",
    "risk-management",
  ])
    expect(ids).toContain(must);
  for (const p of POLICY_LIBRARY) {
    const r = renderPolicy(p.id, names);
    const text = r.paragraphs.join("\n");
    expect({ id: p.id, clinic: text.includes(names.clinic), placeholders: /\{[a-z]+\}/.test(text) }).toEqual({
      id: p.id,
      clinic: true,
      placeholders: false,
    });
    expect(text).toContain(names.security);
  }
});

test("the adopted text's hash changes with the clinic's names and is stable otherwise", () => {
  const a = renderPolicy("sanctions", names);
  expect(renderPolicy("sanctions", names).sha256).toBe(a.sha256);
  expect(renderPolicy("sanctions", { ...names, clinic: "Other Clinic" }).sha256).not.toBe(a.sha256);
  expect(() => renderPolicy("no-such-policy", names)).toThrow(/no policy template/);
});
