import type { Hono } from "hono";
import type { CloudDeps } from "../../deps.ts";
import { approveCandidate, listPatterns, rejectCandidate } from "../../learning/promote.ts";
import { RUNBOOK_CATALOGUE } from "../../tools/runbook-catalogue.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { WebError } from "../errors.tsx";
import { back, done, guard, privileged } from "./handler-kit.ts";
import { LearningPage } from "./learning-page.tsx";

/** Register the handlers of learning candidates: list, approve, reject. */
export function registerLearningRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);
  web.get("/dashboard/learning", page(), async (c) => {
    const patterns = await listPatterns({ ctx: webCtx(c, deps), input: {} });
    const actor = c.get("actor");
    const canDecide = actor.type === "admin" && actor.role === "msp-admin" && actor.siteId === null;
    return c.html(
      <LearningPage web={c.get("web")} patterns={patterns} canDecide={canDecide} done={done(c)} />,
    );
  });

  web.post("/dashboard/learning/:pattern/approve", page("msp-admin"), async (c) => {
    await privileged(c, deps);
    await approveCandidate({
      ctx: webCtx(c, deps),
      input: { pattern: c.req.param("pattern") },
      catalogue: RUNBOOK_CATALOGUE,
    });
    return back(c, "/dashboard/learning", "candidate-approved");
  });

  web.post("/dashboard/learning/:pattern/reject", page("msp-admin"), async (c) => {
    const reason = (c.get("web").form.reason ?? "").trim();
    if (!reason || reason.length > 500)
      throw new WebError(400, "Please check the form", "Say why (at most 500 characters).");
    await privileged(c, deps);
    await rejectCandidate({ ctx: webCtx(c, deps), input: { pattern: c.req.param("pattern"), reason } });
    return back(c, "/dashboard/learning", "candidate-rejected");
  });
}
