import { outcome } from "../check.ts";
import { parseSoftwareupdateList } from "./parse.ts";
import { toolDetect } from "./tool.ts";

/** No recommended update waits to be installed. */
export const pendingUpdates = toolDetect({
  argv: ["softwareupdate", "-l"],
  expected: "no recommended update pending",
  parse: parseSoftwareupdateList,
  judge(p, expected) {
    const recommended = p.filter((u) => u.recommended).map((u) => u.label);
    return recommended.length
      ? outcome("fail", expected, `pending: ${recommended.join(", ")}`, {
          pending: recommended,
          restart: p.some((u) => u.restart),
        })
      : outcome("pass", expected, "up to date", { pending: [] });
  },
});
