import { type LinuxCheck, outcome } from "../check.ts";
import { parseSpctl } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

const ARGV = ["spctl", "--status"];

/** Gatekeeper assesses downloaded software (unsigned or unnotarised code does not run silently). */
export const gatekeeper: LinuxCheck = {
  id: "macos.gatekeeper",
  title: "Gatekeeper is on",
  citations: ["§164.308(a)(5)(ii)(B)"],
  severity: "high",
  runbookId: "macos.gatekeeper",
  async detect({ host }) {
    const expected = "assessments enabled";
    const { text } = await toolText(host, ARGV);
    const p = parseSpctl(text);
    if (!p) return unrecognised(expected, ARGV, text);
    return p.enabled
      ? outcome("pass", expected, "assessments enabled", { enabled: true })
      : outcome("fail", expected, "assessments disabled", { enabled: false });
  },
};
