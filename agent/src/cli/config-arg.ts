import { existsSync } from "node:fs";
import { ConfigError, configPath } from "../config/read.ts";
import { CliError, EXIT } from "./command.ts";

/**
 * Load the config named by --config / MALACHOR_CONFIG / the default with `load` (load.ts's
 * `loadConfig` for the whole file, status-view.ts's for `malachor status`); config problems exit 3.
 */
export function configFromArgs<T>(flag: string | undefined, load: (path: string) => T): T {
  try {
    return load(configPath(flag));
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`config: ${e.message}`, EXIT.environment);
    throw e;
  }
}

/** True when no config was asked for and the default one does not exist. */
export function noConfigAtAll(flag: string | undefined): boolean {
  return !flag && !process.env.MALACHOR_CONFIG && !existsSync(configPath(undefined));
}
