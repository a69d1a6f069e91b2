import { outcome } from "../check.ts";
import { parseSharing } from "./parse.ts";
import { toolDetect } from "./tool.ts";

/** No folder is shared over SMB from a workstation (ePHI leaves through shares nobody reviews). */
export const fileSharing = toolDetect({
  argv: ["sharing", "-l"],
  expected: "no shared folders",
  parse: parseSharing,
  judge(shares, expected) {
    const on = shares.filter((s) => s.smb).map((s) => `${s.name} (${s.path})`);
    return on.length
      ? outcome("fail", expected, `shared: ${on.join(", ")}`, { shares: on })
      : outcome("pass", expected, "no shared folders", { shares: [] });
  },
});
