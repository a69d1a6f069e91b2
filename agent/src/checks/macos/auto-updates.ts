import { outcome } from "../check.ts";
import { parseSoftwareupdateSchedule } from "./parse.ts";
import { toolCheck } from "./tool.ts";

/** macOS checks for updates automatically. */
export const autoUpdates = toolCheck({
  id: "macos.auto-updates",
  title: "Automatic update checks are on",
  citations: ["§164.308(a)(5)(ii)(B)", "§164.308(a)(1)(ii)(B)"],
  severity: "medium",
  runbookId: "macos.auto-updates",
  argv: ["softwareupdate", "--schedule"],
  expected: "automatic checking for updates on",
  parse: parseSoftwareupdateSchedule,
  judge(p, expected) {
    return p.on
      ? outcome("pass", expected, "automatic checking on", { on: true })
      : outcome("fail", expected, "automatic checking off", { on: false });
  },
});
