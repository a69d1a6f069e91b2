import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Where removable media are mounted: desktop automounters and the appliance's own stick mount. */
export const DEFAULT_MEDIA_ROOTS = ["/media", "/run/media", "/mnt/usb"] as const;

/** The file a provisioning stick carries, relative to the medium's root. */
export const MEDIA_CONFIG = join("malachor", "config.toml");

/** A config found on removable media. */
export interface MediaConfig {
  path: string;
  text: string;
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() || d.isSymbolicLink())
      .map((d) => join(dir, d.name))
      .sort();
  } catch {
    // Absent, unreadable or an automount whose device is gone: no medium there.
    return [];
  }
}

/**
 * Paths searched for `malachor/config.toml`, in order: each root itself (`/mnt/usb`), its
 * subdirectories (`/media/<label>`) and theirs (`/run/media/<user>/<label>`).
 */
export function mediaCandidates(roots: readonly string[]): string[] {
  const out: string[] = [];
  for (const root of roots) {
    const level1 = subdirs(root);
    for (const dir of [root, ...level1, ...level1.flatMap(subdirs)]) out.push(join(dir, MEDIA_CONFIG));
  }
  return out;
}

/** The first provisioning config on removable media, or undefined when there is none. */
export function findMediaConfig(roots: readonly string[]): MediaConfig | undefined {
  for (const path of mediaCandidates(roots)) {
    try {
      if (!statSync(path).isFile()) continue;
      return { path, text: readFileSync(path, "utf8") };
    } catch {}
  }
  return undefined;
}
