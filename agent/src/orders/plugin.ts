import type { Plugin, PluginParts } from "../daemon/plugins.ts";
import { runbooksFor } from "../heal/plugin.ts";
import { windowsPlugin } from "../runbooks/windows-plugin.ts";
import { chainEvents, createUpdateAgent } from "../update/plugin.ts";
import { type OrderExtras, orderActions } from "./agent-actions.ts";
import { cloudOrderChannel } from "./channel.ts";
import { NonceStore } from "./nonces.ts";
import { OrderProcessor } from "./processor.ts";

export { sharingHealer } from "./agent-actions.ts";

/** What the agent has today: the Windows checks of every configured host, and the runbook runner. */
export const DEFAULT_EXTRAS: OrderExtras = {
  providers: async (parts) => (await windowsPlugin()(parts)).providers ?? [],
  runbooks: (parts) => runbooksFor(parts),
};

/**
 * The daemon plug-in for signed orders and remote update: an OrderHandler polling the cloud, and
 * the update provider (finding + periodic check + post-update confirmation).
 */
export function ordersPlugin(extras: OrderExtras = DEFAULT_EXTRAS): Plugin {
  return async (parts): Promise<PluginParts> => {
    const update = await createUpdateAgent(parts);
    if (!parts.client) return { providers: update ? [update.provider] : [] };
    const key = parts.config.cloud.public_key;
    const processor = new OrderProcessor({
      channel: cloudOrderChannel(parts.client, parts.queue),
      nonces: new NonceStore(parts.db),
      actions: orderActions(parts, extras, update),
      events: chainEvents(parts),
      identity: {
        cloudPublicKey: key,
        siteId: parts.config.appliance.site_id,
        applianceId: parts.config.appliance.appliance_id,
      },
      log: (level, msg, fields) => parts.log[level](msg, fields),
    });
    return { providers: update ? [update.provider] : [], orders: processor };
  };
}
