/**
 * Plug-ins of `malachor run`: each turns the agent's parts into providers, a healer or an order
 * handler. Other parts of the agent register here with one line in PLUGINS.
 */
import type { Database } from "bun:sqlite";
import type { EvidenceEvent } from "../../../protocol/evidence.ts";
import type { Host } from "../checks/host.ts";
import type { CloudClient } from "../cloud-client/client.ts";
import type { Config } from "../config/schema.ts";
import type { ChainStore } from "../evidence/chain-store.ts";
import type { Identity } from "../evidence/identity.ts";
import { healPlugin } from "../heal/plugin.ts";
import type { Logger } from "../log/logger.ts";
import { ordersPlugin, sharingHealer } from "../orders/plugin.ts";
import type { Queue } from "../queue/queue.ts";
import { windowsPlugin } from "../runbooks/windows-plugin.ts";
import type { CheckProvider, Healer, OrderHandler } from "./providers.ts";

/** What a plug-in is handed. */
export interface AgentParts {
  config: Config;
  db: Database;
  queue: Queue;
  chain: ChainStore;
  identity: Identity;
  client: CloudClient | null;
  host: Host;
  hostName: string;
  log: Logger;
  /** Put an event into the next cycle's evidence bundle. */
  recordEvent: (event: EvidenceEvent) => void;
}

/** What a plug-in adds. */
export interface PluginParts {
  providers?: CheckProvider[];
  healer?: Healer;
  orders?: OrderHandler;
}

export type Plugin = (parts: AgentParts) => PluginParts | Promise<PluginParts>;

/** Registered plug-ins, in order (a later healer or order handler replaces an earlier one). */
export const PLUGINS: Plugin[] = [ordersPlugin(), windowsPlugin(), sharingHealer(healPlugin())];
