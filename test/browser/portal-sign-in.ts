/** Signing in to the portal in the browser: ask for a link, take it from the dev log, open it, press the button. */
import { expect } from "bun:test";
import { linkFromLog } from "../../cloud/src/web/testing/client.ts";
import type { Browser } from "./browser.ts";
import type { ServedCloud } from "./cloud-server.ts";

/** Sign `email` in to the portal of the served cloud (clears the browser's cookies first). */
export async function portalSignIn(b: Browser, s: ServedCloud, email: string): Promise<void> {
  const p = b.page;
  await b.context.clearCookies();
  await p.goto(`${s.url}/portal/login`);
  await p.fill("#email", email);
  await p.click("button[type=submit]");
  await p.getByTestId("check-inbox").waitFor();
  const link = linkFromLog(s.cloud, email);
  expect(link).not.toBeNull();
  await p.goto(link!);
  await p.click("text=Continue to the portal");
  await p.waitForURL(/\/portal\/s\//);
}
