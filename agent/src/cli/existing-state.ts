import { existsSync } from "node:fs";
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { openState, stateDbPath } from "../daemon/state.ts";
import { CliError, EXIT } from "./command.ts";
import { configFromArgs } from "./config-arg.ts";

/** The state database of the config named by --config, which `malachor run` must have created (else exit 3). */
export function existingState(configFlag: string | undefined): {
  config: Config;
  state: ReturnType<typeof openState>;
} {
  const config = configFromArgs(configFlag, loadConfig);
  if (!existsSync(stateDbPath(config))) {
    throw new CliError(
      `no agent state at ${stateDbPath(config)}: malachor run has never started with this config`,
      EXIT.environment,
    );
  }
  return { config, state: openState(config) };
}
