import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";
import { Incident } from "../../../protocol/incident.ts";

/** An incident as the admin API lists it: the protocol Incident plus its site. */
export const SiteIncidentView = v.strictObject({ siteId: Id, incident: Incident });
export type SiteIncidentView = v.InferOutput<typeof SiteIncidentView>;

export const IncidentList = v.strictObject({ incidents: v.array(SiteIncidentView) });
export const IncidentStored = v.strictObject({ stored: v.number() });
