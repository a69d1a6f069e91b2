import { outcome } from "../check.ts";
import { parseFdesetup } from "./parse.ts";
import { toolDetect } from "./tool.ts";

/** FileVault full-disk encryption is on (encryption at rest of ePHI on laptops and desktops). */
export const filevault = toolDetect({
  argv: ["fdesetup", "status"],
  expected: "FileVault is On",
  parse: parseFdesetup,
  judge(p, expected) {
    if (!p.on) return outcome("fail", expected, "FileVault is Off", { on: false });
    if (p.inProgress)
      return outcome("warn", expected, `FileVault is On, ${p.inProgress}`, {
        on: true,
        inProgress: p.inProgress,
      });
    return outcome("pass", expected, "FileVault is On", { on: true });
  },
});
