import { type LinuxCheck, outcome } from "../check.ts";
import { parseCsrutil } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

const ARGV = ["csrutil", "status"];

/** System Integrity Protection is fully on (only Recovery can change it, so there is no runbook). */
export const sip: LinuxCheck = {
  id: "macos.sip",
  title: "System Integrity Protection is on",
  citations: ["§164.312(c)(1)", "§164.308(a)(5)(ii)(B)"],
  severity: "high",
  async detect({ host }) {
    const expected = "System Integrity Protection status: enabled";
    const { text } = await toolText(host, ARGV);
    const p = parseCsrutil(text);
    if (!p) return unrecognised(expected, ARGV, text);
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
};
