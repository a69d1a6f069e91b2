import { outcome } from "../check.ts";
import { parseSocketfilterfw } from "./parse.ts";
import { toolCheck } from "./tool.ts";

/** The application firewall is on (state 1, or 2: block all incoming). */
export const firewall = toolCheck({
  id: "macos.firewall",
  title: "Application firewall is on",
  citations: ["§164.312(e)(1)", "§164.312(a)(1)"],
  severity: "high",
  runbookId: "macos.firewall",
  // In /usr/libexec/ApplicationFirewall, which the scan script appends to PATH.
  argv: ["socketfilterfw", "--getglobalstate"],
  expected: "firewall enabled (State = 1 or 2)",
  parse: parseSocketfilterfw,
  judge(p, expected) {
    return p.state >= 1
      ? outcome("pass", expected, `firewall enabled (State = ${p.state})`, { state: p.state })
      : outcome("fail", expected, "firewall disabled (State = 0)", { state: 0 });
  },
});
