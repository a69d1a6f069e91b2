import { outcome } from "../check.ts";
import { parseSocketfilterfw } from "./parse.ts";
import { toolDetect } from "./tool.ts";

/** The application firewall is on (state 1, or 2: block all incoming). */
export const firewall = toolDetect({
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
