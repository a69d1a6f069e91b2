/** Signing in to the MSP dashboard in the browser with an admin token. */
import type { Role } from "../../cloud/src/actor.ts";
import type { Browser } from "./browser.ts";
import type { ServedCloud } from "./cloud-server.ts";

/** Sign in to the dashboard of the cloud at `url` with the token `secret`; resolves on the page after the login. */
export async function signInWithToken(b: Browser, url: string, secret: string): Promise<void> {
  await b.page.goto(`${url}/dashboard/login`);
  await b.page.fill("#token", secret);
  await b.page.click("button[type=submit]");
  await b.page.waitForURL(/\/dashboard(?!\/login)/);
}

/** Sign in to the served cloud's dashboard as a new token of `role` (clears the browser's cookies first). */
export async function dashboardSignIn(b: Browser, s: ServedCloud, role: Role = "msp-admin"): Promise<void> {
  await b.context.clearCookies();
  await signInWithToken(b, s.url, await s.cloud.adminToken(role));
}
