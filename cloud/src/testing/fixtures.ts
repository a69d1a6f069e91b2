import type { CheckinRequest } from "../../../protocol/checkin.ts";
import { PROTOCOL_VERSION } from "../../../protocol/version.ts";

/** A valid check-in body. */
export function sampleCheckin(over: Partial<CheckinRequest> = {}): CheckinRequest {
  return {
    protocolVersion: PROTOCOL_VERSION,
    agentVersion: "0.1.0",
    hostname: "appliance-1",
    uptimeSec: 120,
    lastCycle: null,
    queue: { depth: 0, bytes: 0, oldestAgeSec: 0 },
    chain: { seq: 0, head: "0".repeat(64) },
    configVersion: 0,
    rulesVersion: 0,
    warnings: [],
    ...over,
  };
}
