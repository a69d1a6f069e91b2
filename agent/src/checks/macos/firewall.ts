import { type LinuxCheck, outcome } from "../check.ts";
import { parseSocketfilterfw } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

// In /usr/libexec/ApplicationFirewall, which the scan script appends to PATH.
const ARGV = ["socketfilterfw", "--getglobalstate"];

/** The application firewall is on (state 1, or 2: block all incoming). */
export const firewall: LinuxCheck = {
  id: "macos.firewall",
  title: "Application firewall is on",
  citations: ["§164.312(e)(1)", "§164.312(a)(1)"],
  severity: "high",
  runbookId: "macos.firewall",
  async detect({ host }) {
    const expected = "firewall enabled (State = 1 or 2)";
    const { text } = await toolText(host, ARGV);
    const p = parseSocketfilterfw(text);
    if (!p) return unrecognised(expected, ARGV, text);
    return p.state >= 1
      ? outcome("pass", expected, `firewall enabled (State = ${p.state})`, { state: p.state })
      : outcome("fail", expected, "firewall disabled (State = 0)", { state: 0 });
  },
};
