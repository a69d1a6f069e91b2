import { parseSoftwareupdateSchedule } from "./parse.ts";
import { toolDetect, yesNo } from "./tool.ts";

/** macOS checks for updates automatically. */
export const autoUpdates = toolDetect({
  argv: ["softwareupdate", "--schedule"],
  expected: "automatic checking for updates on",
  parse: parseSoftwareupdateSchedule,
  judge: yesNo("on", "automatic checking on", "automatic checking off"),
});
