import { join } from "node:path";
import { readConfigFile, validateConfig } from "./read.ts";
import { type Config, ConfigFile, PATH_KEYS } from "./schema.ts";

/** Parse and validate config text against the whole schema; `source` is the file it came from. */
export function parseConfig(text: string, source: string): Config {
  const c = validateConfig(ConfigFile, PATH_KEYS, text, source);
  return {
    ...c,
    appliance: {
      ...c.appliance,
      identity_key_file: c.appliance.identity_key_file ?? join(c.appliance.state_dir, "identity.key"),
    },
    source,
  };
}

/** Read, parse and validate a config file (every key; see read.ts for the errors). */
export function loadConfig(path: string): Config {
  const { text, source } = readConfigFile(path);
  return parseConfig(text, source);
}
