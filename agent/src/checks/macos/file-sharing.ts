import { outcome } from "../check.ts";
import { parseSharing } from "./parse.ts";
import { toolCheck } from "./tool.ts";

/** No folder is shared over SMB from a workstation (ePHI leaves through shares nobody reviews). */
export const fileSharing = toolCheck({
  id: "macos.file-sharing",
  title: "File sharing is off",
  citations: ["§164.312(a)(1)", "§164.312(e)(1)"],
  severity: "high",
  runbookId: "macos.file-sharing",
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
