import type { Hono } from "hono";
import type { CloudDeps } from "../../deps.ts";
import { regulatoryFeed } from "../../regulatory/feed.ts";
import type { WebEnv } from "../env.ts";
import { guard } from "./handler-kit.ts";
import { RegulatoryPage } from "./regulatory-page.tsx";

/** Register the handlers of the Federal Register feed. */
export function registerRegulatoryRoutes(web: Hono<WebEnv>, deps: CloudDeps): void {
  const page = guard(deps);
  web.get("/dashboard/regulatory", page(), async (c) => {
    return c.html(<RegulatoryPage web={c.get("web")} feed={await regulatoryFeed(deps.db, { limit: 100 })} />);
  });
}
