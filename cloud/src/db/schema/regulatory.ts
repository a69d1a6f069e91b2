import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * Federal Register documents matching the HIPAA watch terms, one row per document number (the
 * register's own stable id), as first seen. Shown on the dashboard with a link to the original.
 */
export const regulatoryDocuments = pgTable(
  "regulatory_documents",
  {
    documentNumber: text("document_number").primaryKey(),
    title: text("title").notNull(),
    /** Rule, Proposed Rule, Notice, Presidential Document… */
    type: text("type").notNull(),
    abstract: text("abstract"),
    htmlUrl: text("html_url").notNull(),
    /** YYYY-MM-DD as published. */
    publicationDate: text("publication_date").notNull(),
    /** Agency names, in the register's order. */
    agencies: jsonb("agencies").$type<string[]>().notNull(),
    /** The watch term that first matched it. */
    matchedTerm: text("matched_term").notNull(),
    firstSeenAt: timestamptz("first_seen_at").notNull(),
  },
  (t) => [index("regulatory_documents_pub_idx").on(t.publicationDate)],
);

/** One row per feed: when it was last polled and how that went (the dashboard shows staleness). */
export const regulatoryPolls = pgTable("regulatory_polls", {
  feed: text("feed").primaryKey(),
  lastAttemptAt: timestamptz("last_attempt_at").notNull(),
  lastSuccessAt: timestamptz("last_success_at"),
  /** Message of the last failure, null after a success. */
  lastError: text("last_error"),
  /** Documents stored by the last successful poll. */
  lastNew: integer("last_new"),
});
