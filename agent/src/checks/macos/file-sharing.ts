import { type LinuxCheck, outcome } from "../check.ts";
import { parseSharing } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

const ARGV = ["sharing", "-l"];

/** No folder is shared over SMB from a workstation (ePHI leaves through shares nobody reviews). */
export const fileSharing: LinuxCheck = {
  id: "macos.file-sharing",
  title: "File sharing is off",
  citations: ["§164.312(a)(1)", "§164.312(e)(1)"],
  severity: "high",
  runbookId: "macos.file-sharing",
  async detect({ host }) {
    const expected = "no shared folders";
    const { text } = await toolText(host, ARGV);
    const shares = parseSharing(text);
    if (!shares) return unrecognised(expected, ARGV, text);
    const on = shares.filter((s) => s.smb).map((s) => `${s.name} (${s.path})`);
    return on.length
      ? outcome("fail", expected, `shared: ${on.join(", ")}`, { shares: on })
      : outcome("pass", expected, "no shared folders", { shares: [] });
  },
};
