import type { DeviceSource } from "../../../protocol/targets.ts";

/** One sighting of a device by one source, before merging (plain data from the parsers). */
export interface Observation {
  source: DeviceSource;
  mac?: string;
  address?: string;
  name?: string;
  osGuess?: string;
  openPorts?: number[];
}

/** A MAC in lowercase colon form, or undefined for an incomplete or all-zero entry. */
export function normalMac(s: string | undefined): string | undefined {
  const m = s?.trim().toLowerCase().replaceAll("-", ":");
  if (!m || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(m) || m === "00:00:00:00:00:00") return undefined;
  return m;
}
