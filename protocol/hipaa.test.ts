import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { Citation } from "./common.ts";
import { HIPAA_CONTROLS, hipaaControl, isKnownCitation, standardOf } from "./hipaa.ts";

describe("HIPAA catalogue", () => {
  test("covers the four sections and has unique citations", () => {
    const sections = new Set(HIPAA_CONTROLS.map((c) => c.citation.slice(0, 8)));
    expect([...sections].sort()).toEqual(["§164.308", "§164.310", "§164.312", "§164.316"]);
    expect(new Set(HIPAA_CONTROLS.map((c) => c.citation)).size).toBe(HIPAA_CONTROLS.length);
  });

  test("every catalogue citation passes the wire schema (uppercase (A)…(E) included)", () => {
    for (const c of HIPAA_CONTROLS) expect(v.safeParse(Citation, c.citation).success).toBe(true);
  });

  test("every implementation specification names an existing standard", () => {
    for (const c of HIPAA_CONTROLS.filter((c) => c.kind === "implementation")) {
      expect(hipaaControl(c.parent!)?.kind).toBe("standard");
    }
  });

  test.each([
    ["§164.312(a)(2)(iv)", "Encryption and decryption", "addressable", "§164.312(a)(1)"],
    ["§164.312(b)", "Audit controls", "required", "§164.312(b)"],
    ["§164.308(a)(7)(ii)(A)", "Data backup plan", "required", "§164.308(a)(7)"],
    ["§164.308(a)(5)(ii)(B)", "Protection from malicious software", "addressable", "§164.308(a)(5)"],
  ])("%s is %s (%s), rolls up to %s", (citation, title, requirement, standard) => {
    expect(hipaaControl(citation)?.title).toBe(title);
    expect(hipaaControl(citation)?.requirement).toBe(requirement as "required" | "addressable");
    expect(standardOf(citation)).toBe(standard);
  });

  test("unknown citations are not known", () => {
    expect(isKnownCitation("§164.999(z)")).toBe(false);
  });
});
