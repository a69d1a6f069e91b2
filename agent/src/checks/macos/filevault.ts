import { type LinuxCheck, outcome } from "../check.ts";
import { parseFdesetup } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

const ARGV = ["fdesetup", "status"];

/** FileVault full-disk encryption is on (encryption at rest of ePHI on laptops and desktops). */
export const filevault: LinuxCheck = {
  id: "macos.filevault",
  title: "FileVault disk encryption is on",
  citations: ["§164.312(a)(2)(iv)", "§164.310(d)(1)"],
  severity: "critical",
  runbookId: "macos.filevault",
  async detect({ host }) {
    const expected = "FileVault is On";
    const { text } = await toolText(host, ARGV);
    const p = parseFdesetup(text);
    if (!p) return unrecognised(expected, ARGV, text);
    if (!p.on) return outcome("fail", expected, "FileVault is Off", { on: false });
    if (p.inProgress)
      return outcome("warn", expected, `FileVault is On, ${p.inProgress}`, {
        on: true,
        inProgress: p.inProgress,
      });
    return outcome("pass", expected, "FileVault is On", { on: true });
  },
};
