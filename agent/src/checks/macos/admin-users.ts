import { againstBaseline } from "../baseline.ts";
import { parseGroupMembership } from "./parse.ts";
import { toolDetect } from "./tool.ts";

/** Members of the admin group, against the host's first-seen list: a new administrator fails. */
export const adminUsers = toolDetect({
  argv: ["dscl", ".", "-read", "/Groups/admin", "GroupMembership"],
  expected: "the administrators of the baseline",
  parse: parseGroupMembership,
  judge(members, expected, { baseline }) {
    return againstBaseline("macos.admin-users", members, baseline, expected);
  },
});
