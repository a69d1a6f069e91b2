/** Signing in to the MSP dashboard in the browser with a fresh admin token of a role. */
import type { Role } from "../../cloud/src/actor.ts";
import type { Browser } from "./browser.ts";
import type { ServedCloud } from "./cloud-server.ts";

/** Sign in to the served cloud's dashboard as a new token of `role` (clears the browser's cookies first). */
export async function dashboardSignIn(b: Browser, s: ServedCloud, role: Role = "msp-admin"): Promise<void> {
  await b.context.clearCookies();
  await b.page.goto(`${s.url}/dashboard/login`);
  await b.page.fill("#token", await s.cloud.adminToken(role));
  await b.page.click("button[type=submit]");
}
