import { existsSync } from "node:fs";
import { ConfigError, configPath, loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { CliError, EXIT } from "./command.ts";

/** Load the config named by --config / MALACHOR_CONFIG / the default; config problems exit 3. */
export function configFromArgs(flag: string | undefined): Config {
  try {
    return loadConfig(configPath(flag));
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`config: ${e.message}`, EXIT.environment);
    throw e;
  }
}

/** True when no config was asked for and the default one does not exist. */
export function noConfigAtAll(flag: string | undefined): boolean {
  return !flag && !process.env.MALACHOR_CONFIG && !existsSync(configPath(undefined));
}
