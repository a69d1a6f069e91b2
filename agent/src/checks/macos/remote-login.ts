import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";
import { parseGroupMembership, parseSystemsetupOnOff } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

const ARGV = ["systemsetup", "-getremotelogin"];

/**
 * Remote Login (SSH) is off, or limited to named users (the com.apple.access_ssh group that
 * System Settings' "Allow access for: Only these users" maintains). The appliance scans over it,
 * so "on for everyone" is the drift.
 */
export async function remoteLogin({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "Remote Login off, or limited to com.apple.access_ssh members";
  const [state, group] = await Promise.all([
    toolText(host, ARGV),
    toolText(host, ["dscl", ".", "-read", "/Groups/com.apple.access_ssh", "GroupMembership"]),
  ]);
  const p = parseSystemsetupOnOff(state.text, "Remote Login");
  if (!p) return unrecognised(expected, ARGV, state.text);
  if (!p.on) return outcome("pass", expected, "Remote Login: Off", { on: false });
  const members = group.code === 0 ? parseGroupMembership(group.text) : undefined;
  if (members === undefined)
    return outcome("fail", expected, "Remote Login: On for all users", { on: true, limitedTo: null });
  return outcome("pass", expected, `On for ${members.join(", ") || "nobody"}`, {
    on: true,
    limitedTo: members,
  });
}
