import * as v from "valibot";

/** A stored Federal Register document as the dashboard and the API show it. */
export const RegulatoryDocumentView = v.strictObject({
  documentNumber: v.string(),
  title: v.string(),
  type: v.string(),
  abstract: v.nullable(v.string()),
  /** Link to the document on federalregister.gov. */
  htmlUrl: v.string(),
  publicationDate: v.string(),
  agencies: v.array(v.string()),
  matchedTerm: v.string(),
  firstSeenAt: v.string(),
});
export type RegulatoryDocumentView = v.InferOutput<typeof RegulatoryDocumentView>;

/** The regulatory feed: newest documents first, plus how fresh the poll is. */
export const RegulatoryFeedView = v.strictObject({
  documents: v.array(RegulatoryDocumentView),
  lastAttemptAt: v.nullable(v.string()),
  lastSuccessAt: v.nullable(v.string()),
  /** Why the last poll failed; null when it succeeded (or never ran). */
  lastError: v.nullable(v.string()),
});
export type RegulatoryFeedView = v.InferOutput<typeof RegulatoryFeedView>;
