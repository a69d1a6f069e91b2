/**
 * `malachor status`'s view of the config file: only the keys it reads, validated as the whole schema
 * validates them (fields.ts), so a bad value of one of them is refused with the same error naming
 * file, line and key. The rest of the file is not looked at: `malachor run` validates all of it,
 * and `status` must answer in milliseconds without building the whole schema (schema.ts).
 */
import * as v from "valibot";
import { ApplianceCore, QueueSection, StatusSection } from "./fields.ts";
import { readConfigFile, validateConfig } from "./read.ts";
import type { PATH_KEYS } from "./schema.ts";

const StatusView = v.looseObject({
  appliance: v.looseObject(ApplianceCore),
  status: v.optional(StatusSection, {}),
  queue: v.optional(QueueSection, {}),
});

/** The view's keys that hold paths (each one of the whole schema's PATH_KEYS). */
const VIEW_PATH_KEYS = ["appliance.state_dir"] as const satisfies readonly (typeof PATH_KEYS)[number][];

/** What `malachor status` knows of the config: site and appliance ids, state folder, queue bound, local API address. */
export interface StatusConfig {
  appliance: { site_id: string; appliance_id: string; state_dir: string };
  status: v.InferOutput<typeof StatusSection>;
  queue: v.InferOutput<typeof QueueSection>;
}

/** Read the keys `malachor status` uses from the config file at `path` (ConfigError on a bad one). */
export function loadStatusConfig(path: string): StatusConfig {
  const { text, source } = readConfigFile(path);
  const { appliance: a, status, queue } = validateConfig(StatusView, VIEW_PATH_KEYS, text, source);
  // Only what was validated: the view lets the other keys through unread.
  return {
    appliance: { site_id: a.site_id, appliance_id: a.appliance_id, state_dir: a.state_dir },
    status,
    queue,
  };
}
