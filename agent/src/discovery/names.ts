/**
 * The names discovery found for the addresses the appliance checks, kept from the latest pass so
 * the local status page can name "FRONTDESK-2" where a check used 192.168.10.20.
 */
import type { Database } from "bun:sqlite";
import * as v from "valibot";
import { HostName } from "../../../protocol/common.ts";
import { addressNames, type DeviceReport } from "../../../protocol/targets.ts";
import { getMeta, setMeta } from "../queue/db.ts";

const NAMES_META = "discovery.names";

/** Address → name (at most as many addresses as a report can hold: 4,096 devices of 16). */
export const HostNames = v.pipe(
  v.record(v.pipe(v.string(), v.maxLength(45)), HostName),
  v.check((r) => Object.keys(r).length <= 65_536, "more addresses than a discovery report holds"),
);
export type HostNames = v.InferOutput<typeof HostNames>;

/** Address → the first name of the device holding it (devices without a name left out). */
export function namesOf(report: DeviceReport): HostNames {
  return Object.fromEntries(addressNames(report.devices));
}

/** Keep a pass's names (replacing the previous pass's). */
export function keepNames(db: Database, report: DeviceReport): void {
  setMeta(db, NAMES_META, JSON.stringify(namesOf(report)));
}

/** The names the latest pass found (none before the first pass, or when the stored value is unreadable). */
export function discoveredNames(db: Database): HostNames {
  const raw = getMeta(db, NAMES_META);
  if (!raw) return {};
  try {
    const r = v.safeParse(HostNames, JSON.parse(raw));
    return r.success ? r.output : {};
  } catch {
    return {};
  }
}
