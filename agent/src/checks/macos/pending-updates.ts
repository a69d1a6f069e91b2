import { type LinuxCheck, outcome } from "../check.ts";
import { parseSoftwareupdateList } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

const ARGV = ["softwareupdate", "-l"];

/** No recommended update waits to be installed. */
export const pendingUpdates: LinuxCheck = {
  id: "macos.pending-updates",
  title: "No recommended updates are pending",
  citations: ["§164.308(a)(5)(ii)(B)"],
  severity: "medium",
  runbookId: "macos.pending-updates",
  async detect({ host }) {
    const expected = "no recommended update pending";
    const { text } = await toolText(host, ARGV);
    const p = parseSoftwareupdateList(text);
    if (!p) return unrecognised(expected, ARGV, text);
    const recommended = p.filter((u) => u.recommended).map((u) => u.label);
    return recommended.length
      ? outcome("fail", expected, `pending: ${recommended.join(", ")}`, {
          pending: recommended,
          restart: p.some((u) => u.restart),
        })
      : outcome("pass", expected, "up to date", { pending: [] });
  },
};
