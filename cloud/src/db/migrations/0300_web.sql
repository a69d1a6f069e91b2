-- Web area: portal users, single-use magic links (hashed), browser sessions (hashed) of the
-- dashboard and the portal. Nothing of a session lives in process memory.
CREATE TABLE portal_users (
  id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites(id),
  email text NOT NULL,
  name text,
  created_at timestamptz NOT NULL,
  disabled_at timestamptz
);
--> statement-breakpoint
CREATE UNIQUE INDEX portal_users_site_email_idx ON portal_users (site_id, email);
--> statement-breakpoint
CREATE INDEX portal_users_email_idx ON portal_users (email);
--> statement-breakpoint
CREATE TABLE magic_links (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES portal_users(id),
  site_id text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
--> statement-breakpoint
CREATE TABLE web_sessions (
  id_hash text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('admin', 'portal')),
  admin_token_id text,
  portal_user_id text,
  site_id text,
  csrf text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  CHECK ((kind = 'admin') = (admin_token_id IS NOT NULL)),
  CHECK ((kind = 'portal') = (portal_user_id IS NOT NULL AND site_id IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX web_sessions_expires_idx ON web_sessions (expires_at);
