import { type LinuxCheck, outcome } from "../check.ts";
import { parseSoftwareupdateSchedule } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

const ARGV = ["softwareupdate", "--schedule"];

/** macOS checks for updates automatically. */
export const autoUpdates: LinuxCheck = {
  id: "macos.auto-updates",
  title: "Automatic update checks are on",
  citations: ["§164.308(a)(5)(ii)(B)", "§164.308(a)(1)(ii)(B)"],
  severity: "medium",
  runbookId: "macos.auto-updates",
  async detect({ host }) {
    const expected = "automatic checking for updates on";
    const { text } = await toolText(host, ARGV);
    const p = parseSoftwareupdateSchedule(text);
    if (!p) return unrecognised(expected, ARGV, text);
    return p.on
      ? outcome("pass", expected, "automatic checking on", { on: true })
      : outcome("fail", expected, "automatic checking off", { on: false });
  },
};
