import { outcome } from "../check.ts";
import { parseScreenLock } from "./parse.ts";
import { toolDetect } from "./tool.ts";

/** Longest acceptable delay between the screen saver and the password prompt. */
const MAX_DELAY_SEC = 300;

/** A password is asked soon after the screen locks (automatic logoff, §164.312(a)(2)(iii)). */
export const screenLock = toolDetect({
  argv: ["sysadminctl", "-screenLock", "status"],
  expected: `screen lock on, delay ≤ ${MAX_DELAY_SEC} s`,
  parse: parseScreenLock,
  judge(p, expected) {
    if (!p.on) return outcome("fail", expected, "screen lock off", { on: false });
    const details = { on: true, delaySec: p.delaySec };
    return p.delaySec <= MAX_DELAY_SEC
      ? outcome("pass", expected, p.delaySec === 0 ? "immediately" : `after ${p.delaySec} s`, details)
      : outcome("fail", expected, `after ${p.delaySec} s`, details);
  },
});
