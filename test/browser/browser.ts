/**
 * The browser harness: playwright-core driving Debian's Chromium, headless, with a fresh profile
 * per launch, and screenshots written to artifacts/screenshots/ for people to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { requirement } from "../support/requirement.ts";

/** Chromium from Debian (`apt-get install chromium`); override with MALACHOR_CHROMIUM. */
export const CHROMIUM = process.env.MALACHOR_CHROMIUM ?? "/usr/bin/chromium";

/** Flags for a quiet, deterministic headless run in a container (no sandbox, no GPU, no network chatter). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Whether the browser suites can run here (under CI a missing Chromium fails by name). */
export const chromiumPresent = (): boolean =>
  requirement(
    `Chromium (${CHROMIUM})`,
    existsSync(CHROMIUM),
    "apt-get install chromium (npm test's pretest does this as root)",
  );

const root = join(import.meta.dir, "..", "..");
/** Where screenshots go (gitignored). */
export const SCREENSHOT_DIR = join(root, "artifacts", "screenshots");

/** A running browser with a fresh profile; `close` removes the profile. */
export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Full-page screenshot to artifacts/screenshots/<name>.png; returns the path. */
  shot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
}

/** Launch Chromium with a fresh --user-data-dir (a persistent context is how playwright accepts one). */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "malachor-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
      timeout: 30_000,
    });
  } catch (e) {
    // A browser that never started must not leave its profile behind.
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    context,
    page,
    async shot(name, p = page) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await p.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
