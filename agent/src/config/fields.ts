/**
 * The pieces of the config schema that `malachor status` reads (status-view.ts) besides the whole
 * schema (schema.ts), defined once here so both validate them alike, and so the status path loads
 * this small module instead of the whole schema.
 */
import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";

export const Path = v.pipe(v.string(), v.minLength(1, "must be a non-empty path"));
export const Port = v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1), v.maxValue(65_535));
/** An integer from `min` to `max`. */
export const int = (min: number, max: number) =>
  v.pipe(v.number(), v.integer("must be an integer"), v.minValue(min), v.maxValue(max));
/** `host:port` (IPv6 in brackets) the local status API listens on. */
const BindAddress = v.pipe(
  v.string(),
  v.regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be "host:port", e.g. "127.0.0.1:8710"'),
);

/** The `[appliance]` keys naming the appliance and where its state lives. */
export const ApplianceCore = {
  site_id: Id,
  appliance_id: Id,
  /** Directory for the queue database, chain head and other state. */
  state_dir: v.optional(Path, "/var/lib/malachor"),
};

export const StatusSection = v.strictObject({
  /** Address of the local status API and page; LAN only, never the WAN. */
  bind: v.optional(BindAddress, "127.0.0.1:8710"),
});

export const QueueSection = v.strictObject({
  /** Disk bound of the offline queue; telemetry is shed first, evidence is never dropped. */
  max_bytes: v.optional(int(1_048_576, 1_000_000_000_000), 536_870_912),
});
