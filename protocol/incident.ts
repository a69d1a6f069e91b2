import * as v from "valibot";
import {
  Citation,
  HostName,
  Id,
  JsonObject,
  LongText,
  Severity,
  ShortText,
  Slug,
  Timestamp,
} from "./common.ts";

export const Tier = v.picklist(["L1", "L2", "L3"]);
export type Tier = v.InferOutput<typeof Tier>;

/** A drift that healing could not close by itself, or that needs a person (PHI-scrubbed). */
export const Incident = v.strictObject({
  id: Id,
  applianceId: Id,
  checkId: Slug,
  host: HostName,
  severity: Severity,
  /** The tier that currently owns the incident. */
  tier: Tier,
  status: v.picklist(["open", "resolved"]),
  title: ShortText,
  /** Scrubbed description; never contains PHI. */
  summary: LongText,
  details: JsonObject,
  citations: v.array(Citation),
  /** How often this pattern (check + host) has recurred. */
  occurrences: v.pipe(v.number(), v.integer(), v.minValue(1)),
  openedAt: Timestamp,
  resolvedAt: v.optional(Timestamp),
  resolvedBy: v.optional(ShortText),
  resolution: v.optional(ShortText),
});
export type Incident = v.InferOutput<typeof Incident>;

/** POST /agent/incidents: open or update incidents. */
export const IncidentReport = v.strictObject({
  incidents: v.pipe(v.array(Incident), v.minLength(1), v.maxLength(100)),
});
export type IncidentReport = v.InferOutput<typeof IncidentReport>;

/** POST …/incidents/:id/resolve by a person. */
export const IncidentResolution = v.strictObject({ resolution: v.pipe(ShortText, v.minLength(1)) });
export type IncidentResolution = v.InferOutput<typeof IncidentResolution>;

/** GET /agent/incidents: this appliance's incidents a person resolved in the cloud (newest first). */
export const CloudResolvedIncidents = v.strictObject({
  incidents: v.pipe(v.array(Incident), v.maxLength(100)),
});
export type CloudResolvedIncidents = v.InferOutput<typeof CloudResolvedIncidents>;
