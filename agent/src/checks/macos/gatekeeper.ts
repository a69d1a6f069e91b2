import { outcome } from "../check.ts";
import { parseSpctl } from "./parse.ts";
import { toolCheck } from "./tool.ts";

/** Gatekeeper assesses downloaded software (unsigned or unnotarised code does not run silently). */
export const gatekeeper = toolCheck({
  id: "macos.gatekeeper",
  title: "Gatekeeper is on",
  citations: ["§164.308(a)(5)(ii)(B)"],
  severity: "high",
  runbookId: "macos.gatekeeper",
  argv: ["spctl", "--status"],
  expected: "assessments enabled",
  parse: parseSpctl,
  judge(p, expected) {
    return p.enabled
      ? outcome("pass", expected, "assessments enabled", { enabled: true })
      : outcome("fail", expected, "assessments disabled", { enabled: false });
  },
});
