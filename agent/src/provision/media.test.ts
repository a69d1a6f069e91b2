import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeMedium } from "../../../test/integration/provision-cloud.ts";
import { findMediaConfig } from "./media.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-media-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each([
  { name: "nothing mounted", media: [], want: undefined },
  { name: "/mnt/usb style: the root itself", media: [["mnt-usb", ""]], want: "mnt-usb/malachor/config.toml" },
  { name: "/media/<label>", media: [["media", "STICK"]], want: "media/STICK/malachor/config.toml" },
  {
    name: "/run/media/<user>/<label>",
    media: [["run-media", "tech/STICK"]],
    want: "run-media/tech/STICK/malachor/config.toml",
  },
  {
    name: "roots are searched in order, labels by name",
    media: [
      ["run-media", "tech/A"],
      ["media", "ZED"],
      ["media", "BETA"],
    ],
    want: "media/BETA/malachor/config.toml",
  },
])("$name", ({ name, media, want }) => {
  const base = join(dir, name.replaceAll(/\W+/g, "-"));
  for (const [root, label] of media) fakeMedium(join(base, root!), label!, `# ${label}\n`);
  // A directory named like the file is not a config.
  mkdirSync(join(base, "media", "EMPTY", "malachor", "config.toml"), { recursive: true });
  writeFileSync(join(base, "unrelated.toml"), "");
  const found = findMediaConfig([join(base, "media"), join(base, "run-media"), join(base, "mnt-usb")]);
  expect(found?.path).toBe(want === undefined ? undefined : join(base, want));
});
