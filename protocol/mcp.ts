import * as v from "valibot";
import { BreakKind } from "./chain.ts";
import {
  Citation,
  Hex64,
  HostName,
  Id,
  JsonObject,
  LongText,
  NonNegInt,
  ShortText,
  Slug,
  Timestamp,
} from "./common.ts";
import { Incident } from "./incident.ts";
import { OrderState } from "./order.ts";
import { RetentionFloor } from "./retention-floor.ts";
import { Platform, RunbookSpec } from "./runbook.ts";
import { ComplianceScore } from "./score.ts";

/*
 * Inputs and outputs of the cloud's MCP tools (the same tool registry the L2 planning broker reads).
 * MCP clients see these as JSON Schema generated from the valibot definitions below.
 */

const Limit = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)), 50);

/** list_sites: no arguments. */
export const ListSitesInput = v.strictObject({});
export type ListSitesInput = v.InferOutput<typeof ListSitesInput>;

/** One site as an MCP client sees it. */
export const SiteSummary = v.strictObject({
  id: Id,
  name: ShortText,
  tier: ShortText,
  appliances: v.array(
    v.strictObject({
      id: Id,
      name: ShortText,
      agentVersion: v.nullable(ShortText),
      lastCheckinAt: v.nullable(Timestamp),
    }),
  ),
});
export type SiteSummary = v.InferOutput<typeof SiteSummary>;

export const ListSitesOutput = v.strictObject({ sites: v.array(SiteSummary) });
export type ListSitesOutput = v.InferOutput<typeof ListSitesOutput>;

/** get_site_compliance and verify_chain take a site. */
export const SiteInput = v.strictObject({ siteId: Id });
export type SiteInput = v.InferOutput<typeof SiteInput>;

/** A site's score per HIPAA control with the findings behind each status and where they are recorded. */
export const SiteComplianceOutput = v.strictObject({
  siteId: Id,
  /** Newest evidence considered (null when the site has no check results yet). */
  asOf: v.nullable(Timestamp),
  ...ComplianceScore.entries,
  /** The evidence bundle (appliance + sequence number) holding each finding, for verify_chain or an export. */
  sources: v.array(v.strictObject({ checkId: Slug, host: HostName, applianceId: Id, seq: NonNegInt })),
});
export type SiteComplianceOutput = v.InferOutput<typeof SiteComplianceOutput>;

/** list_incidents. */
export const ListIncidentsInput = v.strictObject({
  siteId: v.optional(Id),
  status: v.optional(v.picklist(["open", "resolved"])),
  limit: Limit,
});
export type ListIncidentsInput = v.InferOutput<typeof ListIncidentsInput>;

/** An incident with the site it belongs to (text PHI-scrubbed again at the boundary). */
export const SiteIncident = v.strictObject({ siteId: Id, incident: Incident });
export type SiteIncident = v.InferOutput<typeof SiteIncident>;

export const ListIncidentsOutput = v.strictObject({ incidents: v.array(SiteIncident) });
export type ListIncidentsOutput = v.InferOutput<typeof ListIncidentsOutput>;

/** get_incident: incident ids are unique per appliance. */
export const GetIncidentInput = v.strictObject({ applianceId: Id, incidentId: Id });
export type GetIncidentInput = v.InferOutput<typeof GetIncidentInput>;

/** list_runbooks: optional filters. */
export const ListRunbooksInput = v.strictObject({
  platform: v.optional(Platform),
  checkId: v.optional(Slug),
  citation: v.optional(Citation),
});
export type ListRunbooksInput = v.InferOutput<typeof ListRunbooksInput>;

export const ListRunbooksOutput = v.strictObject({ runbooks: v.array(RunbookSpec) });
export type ListRunbooksOutput = v.InferOutput<typeof ListRunbooksOutput>;

/** get_runbook. */
export const GetRunbookInput = v.strictObject({ runbookId: Slug });
export type GetRunbookInput = v.InferOutput<typeof GetRunbookInput>;

export const GetRunbookOutput = v.strictObject({
  runbook: RunbookSpec,
  /** The runbook's documentation (also an MCP resource at `documentationUri`). */
  documentation: LongText,
  documentationUri: ShortText,
});
export type GetRunbookOutput = v.InferOutput<typeof GetRunbookOutput>;

/**
 * Which signatures a chain audit verifies itself: `all`, or (`heads`, the default) each appliance's
 * head and every one no cloud-signed ingest record vouches for (shape, sequence and link: always all).
 */
export const SignatureMode = v.picklist(["heads", "all"]);

/** verify_chain: a site, and which signatures to verify (`all` is slower: every one, in worker threads). */
export const VerifyChainInput = v.strictObject({
  siteId: Id,
  signatures: v.optional(SignatureMode, "heads"),
});
export type VerifyChainInput = v.InferOutput<typeof VerifyChainInput>;

/** verify_chain: ok with each appliance's head, or the first break (`break` only when not ok). */
export const VerifyChainOutput = v.strictObject({
  siteId: Id,
  ok: v.boolean(),
  /** Bundles verified (before the break, when there is one). */
  bundles: NonNegInt,
  heads: v.array(v.strictObject({ applianceId: Id, seq: NonNegInt, hash: Hex64 })),
  /** Appliances whose chain was verified from a retention floor (older bundles dropped), when ok. */
  floors: v.optional(v.array(RetentionFloor)),
  break: v.optional(
    v.strictObject({
      /** 0-based position in the site's export order (appliance id, then sequence number). */
      index: NonNegInt,
      kind: BreakKind,
      applianceId: v.optional(Id),
      seq: v.optional(NonNegInt),
      message: LongText,
    }),
  ),
  /** What the audit checked: `all` when it verified every signature (asked, or to settle a doubt). */
  coverage: v.strictObject({
    signatures: SignatureMode,
    /** Signatures verified by this audit (node:crypto). */
    verifiedNow: NonNegInt,
    /** Signatures verified at ingest (node:crypto), vouched for by cloud-signed records, not again. */
    verifiedAtIngest: NonNegInt,
  }),
});
export type VerifyChainOutput = v.InferOutput<typeof VerifyChainOutput>;

/** list_promotion_candidates: patterns waiting for a person's decision (or every tracked one). */
export const ListPromotionCandidatesInput = v.strictObject({
  status: v.optional(v.picklist(["candidate", "tracking", "approved", "rejected"]), "candidate"),
  limit: Limit,
});
export type ListPromotionCandidatesInput = v.InferOutput<typeof ListPromotionCandidatesInput>;

/**
 * propose_remediation: ask for a runbook to run on one appliance. The cloud narrows `runbookId`
 * to its allow-list and checks `params` against the runbook's bounds; the result is an order
 * waiting for a person's approval.
 */
export const ProposeRemediationInput = v.strictObject({
  siteId: Id,
  applianceId: Id,
  runbookId: Slug,
  /** The machine the runbook acts on (a Windows host the appliance manages, or the appliance). */
  host: HostName,
  /** Runbook parameters; omitted ones take their defaults. */
  params: v.optional(JsonObject),
  /** Why, in the proposer's words; shown to the approver. */
  reason: v.pipe(ShortText, v.minLength(1, "must say why")),
  /** The incident this proposal answers; the runbook must fix that incident's check. */
  incidentId: v.optional(Id),
});
export type ProposeRemediationInput = v.InferOutput<typeof ProposeRemediationInput>;

export const ProposeRemediationOutput = v.strictObject({
  orderId: Id,
  state: OrderState,
  siteId: Id,
  applianceId: Id,
  runbookId: Slug,
  host: HostName,
  /** Parameters as they will run: checked against the bounds, defaults filled in. */
  params: JsonObject,
  expiresAt: Timestamp,
  /** What a person does to let it run. */
  nextStep: ShortText,
});
export type ProposeRemediationOutput = v.InferOutput<typeof ProposeRemediationOutput>;

/** Arguments of the incident-triage prompt (MCP prompt arguments are strings). */
export const TriagePromptArgs = v.strictObject({ applianceId: Id, incidentId: Id });
export type TriagePromptArgs = v.InferOutput<typeof TriagePromptArgs>;
