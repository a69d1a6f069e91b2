import { againstBaseline } from "../baseline.ts";
import { parseGroupMembership } from "./parse.ts";
import { toolCheck } from "./tool.ts";

/** Members of the admin group, against the host's first-seen list: a new administrator fails. */
export const adminUsers = toolCheck({
  id: "macos.admin-users",
  title: "No new administrator accounts",
  citations: ["§164.308(a)(4)(ii)(B)", "§164.312(a)(1)"],
  severity: "high",
  runbookId: "macos.admin-users",
  argv: ["dscl", ".", "-read", "/Groups/admin", "GroupMembership"],
  expected: "the administrators of the baseline",
  parse: parseGroupMembership,
  judge(members, expected, { baseline }) {
    return againstBaseline("macos.admin-users", members, baseline, expected);
  },
});
