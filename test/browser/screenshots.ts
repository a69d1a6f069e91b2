/**
 * Screenshots compared with stored baselines (test/browser/baselines/<name>.png), decoded and
 * compared pixel by pixel inside Chromium itself (canvas), so no image library is needed.
 * MALACHOR_UPDATE_SCREENSHOTS=1 rewrites the baselines; otherwise a missing one fails by name.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { Browser } from "./browser.ts";

/** Where the baselines live (in the repository). */
export const BASELINE_DIR = join(import.meta.dir, "baselines");

/** A pixel differs when a channel moves by more than this (anti-aliasing stays under it). */
const CHANNEL_TOLERANCE = 48;
/** At most this share of pixels may differ (dates in labels move a few glyphs). */
export const PIXEL_SHARE_TOLERANCE = 0.03;

/** Result of comparing a screenshot with its baseline. */
export interface ShotDiff {
  name: string;
  size: [number, number];
  baseline: [number, number];
  /** Share of differing pixels over the common area. */
  differing: number;
}

async function diffInBrowser(page: Page, a: Buffer, b: Buffer) {
  return page.evaluate(
    async ([x, y, tol]) => {
      const load = (b64: string) =>
        new Promise<HTMLImageElement>((ok, no) => {
          const i = new Image();
          i.onload = () => ok(i);
          i.onerror = () => no(new Error("not a PNG"));
          i.src = `data:image/png;base64,${b64}`;
        });
      const [ia, ib] = await Promise.all([load(x), load(y)]);
      const w = Math.min(ia.width, ib.width);
      const h = Math.min(ia.height, ib.height);
      const px = (img: HTMLImageElement) => {
        const c = document.createElement("canvas");
        c.width = w;
        c.height = h;
        const g = c.getContext("2d")!;
        g.drawImage(img, 0, 0);
        return g.getImageData(0, 0, w, h).data;
      };
      const da = px(ia);
      const db = px(ib);
      let n = 0;
      for (let i = 0; i < da.length; i += 4) {
        if (
          Math.abs(da[i]! - db[i]!) > tol ||
          Math.abs(da[i + 1]! - db[i + 1]!) > tol ||
          Math.abs(da[i + 2]! - db[i + 2]!) > tol
        )
          n++;
      }
      return { a: [ia.width, ia.height], b: [ib.width, ib.height], differing: n / (w * h) };
    },
    [a.toString("base64"), b.toString("base64"), CHANNEL_TOLERANCE] as const,
  );
}

/** Screenshot `page` (full page) and compare it with baseline `name`, or rewrite it when asked. */
export async function compareShot(b: Browser, name: string, page: Page = b.page): Promise<ShotDiff> {
  const png = await page.screenshot({ fullPage: true });
  await b.shot(name, page);
  const path = join(BASELINE_DIR, `${name}.png`);
  if (process.env.MALACHOR_UPDATE_SCREENSHOTS === "1") {
    mkdirSync(BASELINE_DIR, { recursive: true });
    writeFileSync(path, png);
  }
  if (!existsSync(path))
    throw new Error(
      `no baseline ${path}: run with MALACHOR_UPDATE_SCREENSHOTS=1 to create it, then review it`,
    );
  const scratch = await b.context.newPage();
  try {
    const d = await diffInBrowser(scratch, png, readFileSync(path));
    return {
      name,
      size: d.a as [number, number],
      baseline: d.b as [number, number],
      differing: d.differing,
    };
  } finally {
    await scratch.close();
  }
}

/** Whether a diff is within tolerance: same width, height within 3 %, few differing pixels. */
export function withinTolerance(d: ShotDiff): boolean {
  return (
    d.size[0] === d.baseline[0] &&
    Math.abs(d.size[1] - d.baseline[1]) <= d.baseline[1] * 0.03 &&
    d.differing <= PIXEL_SHARE_TOLERANCE
  );
}

/** The widths every page is tested and photographed at: a desktop and a phone. */
export const WIDTHS = [
  ["desktop", 1280],
  ["phone", 390],
] as const;
