import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";
import { parseNetworkTimeServer, parseSystemsetupOnOff } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

const ARGV = ["systemsetup", "-getusingnetworktime"];

/** The clock follows network time (audit timestamps must be trustworthy). */
export async function timeSync({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "Network Time: On";
  const [using, server] = await Promise.all([
    toolText(host, ARGV),
    toolText(host, ["systemsetup", "-getnetworktimeserver"]),
  ]);
  const p = parseSystemsetupOnOff(using.text, "Network Time");
  if (!p) return unrecognised(expected, ARGV, using.text);
  const details = { on: p.on, server: parseNetworkTimeServer(server.text) ?? null };
  return p.on
    ? outcome("pass", expected, `On (${details.server ?? "server unknown"})`, details)
    : outcome("fail", expected, "Network Time: Off", details);
}
