-- Agent releases for remote update (cloud/src/update). The binary lives in the object store as
-- fixed-size chunks under releases/<version>/<sha256>/<index>; this row holds its signed metadata.
CREATE TABLE agent_releases (
  version text PRIMARY KEY,
  sha256 text NOT NULL,
  size bigint NOT NULL CHECK (size > 0),
  chunk_size integer NOT NULL CHECK (chunk_size > 0),
  chunks integer NOT NULL CHECK (chunks > 0),
  state text NOT NULL CHECK (state IN ('uploading', 'published')),
  expires_in_sec integer NOT NULL CHECK (expires_in_sec > 0),
  signed jsonb,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  published_at timestamptz
);
--> statement-breakpoint
CREATE INDEX agent_releases_published_idx ON agent_releases (published_at DESC) WHERE state = 'published';
