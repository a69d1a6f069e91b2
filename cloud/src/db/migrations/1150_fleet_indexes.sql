-- Ingest reads an appliance's identity keys on every upload (cloud/src/evidence/ingest.ts): without
-- an index that is a sequential scan of every appliance's keys, which bench/cloud-fleet.bench.ts
-- showed dominating Postgres at 100,000 appliances.
CREATE INDEX appliance_keys_appliance_idx ON appliance_keys (appliance_id);
