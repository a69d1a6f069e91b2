import { outcome } from "../check.ts";
import { parseCsrutil } from "./parse.ts";
import { toolDetect } from "./tool.ts";

/** System Integrity Protection is fully on (only Recovery can change it, so there is no runbook). */
export const sip = toolDetect({
  argv: ["csrutil", "status"],
  expected: "System Integrity Protection status: enabled",
  parse: parseCsrutil,
  judge(p, expected) {
    if (p.status === "enabled") return outcome("pass", expected, "enabled", { status: p.status });
    return outcome(
      "fail",
      expected,
      p.status === "custom" ? "partly disabled (custom configuration)" : "disabled",
      {
        status: p.status,
      },
    );
  },
});
