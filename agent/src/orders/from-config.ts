/**
 * The daemon's OrderHandler: polls the cloud's signed orders and runs them through the daemon's
 * own parts (its check providers, runbook runner, healer and updater), handed in by start-up.
 */
import type { Logger } from "../log/logger.ts";
import { cloudTrust } from "../trust/cloud-keys.ts";
import { chainEvents } from "../update/update-agent.ts";
import { type OrderActionParts, orderActions } from "./agent-actions.ts";
import { cloudOrderChannel } from "./channel.ts";
import { NonceStore } from "./nonces.ts";
import { OrderProcessor } from "./processor.ts";

/** The order processor of a running daemon, or null without a cloud client (no API key yet). */
export function orderProcessorFromConfig(parts: OrderActionParts & { log: Logger }): OrderProcessor | null {
  if (!parts.client) return null;
  return new OrderProcessor({
    channel: cloudOrderChannel(parts.client, parts.queue),
    nonces: new NonceStore(parts.db),
    actions: orderActions(parts),
    events: chainEvents(parts.chain),
    identity: {
      cloudPublicKey: cloudTrust(parts.config, parts.db),
      siteId: parts.config.appliance.site_id,
      applianceId: parts.config.appliance.appliance_id,
    },
    log: (level, msg, fields) => parts.log[level](msg, fields),
  });
}
