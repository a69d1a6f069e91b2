-- Regulatory monitoring: Federal Register documents matching the HIPAA watch terms, and the
-- state of each feed's poller (see cloud/src/regulatory/).
CREATE TABLE regulatory_documents (
  document_number text PRIMARY KEY,
  title text NOT NULL,
  type text NOT NULL,
  abstract text,
  html_url text NOT NULL,
  publication_date text NOT NULL,
  agencies jsonb NOT NULL,
  matched_term text NOT NULL,
  first_seen_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE INDEX regulatory_documents_pub_idx ON regulatory_documents (publication_date);
--> statement-breakpoint
CREATE TABLE regulatory_polls (
  feed text PRIMARY KEY,
  last_attempt_at timestamptz NOT NULL,
  last_success_at timestamptz,
  last_error text,
  last_new integer
);
