-- Onboarding without hand-edited config (cloud/src/targets/): the X25519 key each appliance
-- announces (signed by its identity key), targets entered by technicians with their credentials
-- sealed to each appliance of the site (ciphertext only: the cloud cannot open them), the site's
-- targets version the appliances sync on, and the devices discovery found on the clinic network.
CREATE TABLE appliance_seal_keys (
  appliance_id text PRIMARY KEY,
  site_id text NOT NULL,
  public_key text NOT NULL,
  key_id text NOT NULL,
  signature text NOT NULL,
  updated_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE TABLE targets (
  id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites (id),
  kind text NOT NULL CHECK (kind IN ('windows', 'ssh')),
  host text NOT NULL,
  spec jsonb NOT NULL,
  credential_version integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX targets_site_host_idx ON targets (site_id, lower(host));
--> statement-breakpoint
CREATE TABLE target_credentials (
  target_id text NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  appliance_id text NOT NULL,
  version integer NOT NULL,
  sealed jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (target_id, appliance_id)
);
--> statement-breakpoint
CREATE TABLE site_targets (
  site_id text PRIMARY KEY REFERENCES sites (id),
  version integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE discovered_devices (
  site_id text NOT NULL REFERENCES sites (id),
  device_key text NOT NULL,
  mac text,
  addresses jsonb NOT NULL,
  names jsonb NOT NULL,
  os_guess text,
  sources jsonb NOT NULL,
  open_ports jsonb NOT NULL,
  reported_by text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  PRIMARY KEY (site_id, device_key)
);
