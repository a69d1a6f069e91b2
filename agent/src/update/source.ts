import { AGENT_API } from "../../../protocol/api.ts";
import { UpdateError } from "./errors.ts";
import type { UpdateSource } from "./updater.ts";

/** Where the cloud is and how to authenticate to it. */
export interface CloudEndpoint {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
}

/**
 * Update metadata and binaries from the cloud: GET /agent/update (404 = nothing published) and the
 * binary at the metadata's URL, resolved against the cloud URL, with the appliance's API key.
 */
export function cloudUpdateSource(ep: CloudEndpoint): UpdateSource {
  const headers = { authorization: `Bearer ${ep.apiKey}` };
  const url = (path: string) => new URL(path, ep.baseUrl.endsWith("/") ? ep.baseUrl : `${ep.baseUrl}/`);
  return {
    async latest() {
      const target = url(AGENT_API.update);
      let res: Response;
      try {
        res = await fetch(target, { headers, signal: AbortSignal.timeout(ep.timeoutMs ?? 15_000) });
      } catch (e) {
        throw new UpdateError("download", `cannot reach ${target}: ${(e as Error).message}`);
      }
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok)
        throw new UpdateError(
          "download",
          `${target}: HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`,
        );
      return res.json();
    },
    // No overall timeout on the binary: it is large, and the size check bounds it anyway.
    fetchBinary: (path) => fetch(url(path), { headers }),
  };
}
