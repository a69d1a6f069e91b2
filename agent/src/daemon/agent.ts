import { hostname as osHostname } from "node:os";
import { CloudClient } from "../cloud-client/client.ts";
import type { Config } from "../config/schema.ts";
import { readSecretFile, SecretFileError } from "../config/secret.ts";
import { ChainStore } from "../evidence/chain-store.ts";
import { type Identity, loadIdentity } from "../evidence/identity.ts";
import { AGENT_VERSION } from "../version.ts";
import type { AgentState } from "./state.ts";

/** Name of this appliance in findings: [appliance] hostname, else the system's (made protocol-safe). */
export function applianceHostName(config: Config): string {
  return (
    config.appliance.hostname ??
    (osHostname()
      .replace(/[^A-Za-z0-9._:-]/g, "-")
      .slice(0, 253) ||
      "appliance")
  );
}

/** The cloud client, or why there is none (no API key yet: the agent runs offline). */
export function cloudClient(config: Config): { client: CloudClient | null; reason?: string } {
  let apiKey: string;
  try {
    apiKey = readSecretFile(config.cloud.api_key_file, "API key");
  } catch (e) {
    if (e instanceof SecretFileError) return { client: null, reason: e.message };
    throw e;
  }
  return {
    client: new CloudClient({
      baseUrl: config.cloud.url,
      apiKey,
      timeoutMs: config.cloud.timeout_sec * 1000,
      userAgent: `malachor-agent/${AGENT_VERSION}`,
    }),
  };
}

/**
 * Open the evidence chain (creating the identity key on first boot when `create`). Throws a
 * ChainOwnerError when the state holds another identity's chain than the config names.
 */
export function openChain(
  config: Config,
  state: AgentState,
  create: boolean,
): { chain: ChainStore; identity: Identity } {
  const identity = loadIdentity(config.appliance.identity_key_file, { create });
  const ids = { siteId: config.appliance.site_id, applianceId: config.appliance.appliance_id };
  const chain = new ChainStore(state.queue, ids, identity);
  chain.assertOwner();
  return { chain, identity };
}
