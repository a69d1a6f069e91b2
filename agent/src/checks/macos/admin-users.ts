import { againstBaseline } from "../baseline.ts";
import type { LinuxCheck } from "../check.ts";
import { parseGroupMembership } from "./parse.ts";
import { toolText, unrecognised } from "./tool.ts";

const ARGV = ["dscl", ".", "-read", "/Groups/admin", "GroupMembership"];

/** Members of the admin group, against the host's first-seen list: a new administrator fails. */
export const adminUsers: LinuxCheck = {
  id: "macos.admin-users",
  title: "No new administrator accounts",
  citations: ["§164.308(a)(4)(ii)(B)", "§164.312(a)(1)"],
  severity: "high",
  runbookId: "macos.admin-users",
  async detect({ host, baseline }) {
    const expected = "the administrators of the baseline";
    const { text } = await toolText(host, ARGV);
    const members = parseGroupMembership(text);
    if (!members) return unrecognised(expected, ARGV, text);
    return againstBaseline("macos.admin-users", members, baseline, expected);
  },
};
