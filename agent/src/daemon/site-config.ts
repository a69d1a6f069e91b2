import type { Database } from "bun:sqlite";
import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { type SignedEnvelope, type TrustedKeys, verifyTrusted } from "../../../protocol/signed.ts";
import { DEFAULT_SITE_CONFIG, SiteConfig } from "../../../protocol/sync.ts";
import { getMeta, setMeta } from "../queue/db.ts";

const SITE_CONFIG = "site.config";

/** Accept a synced site config only if the cloud's key signed it and it is well-formed. */
export function acceptSiteConfig(
  signed: SignedEnvelope<unknown>,
  cloudPublicKey: TrustedKeys | undefined,
): { ok: true; config: SiteConfig } | { ok: false; reason: string } {
  if (!cloudPublicKey) return { ok: false, reason: "no [cloud] public_key configured to verify it" };
  const check = verifyTrusted(signed, cloudPublicKey);
  if (!check.ok) return { ok: false, reason: check.reason };
  const r = v.safeParse(SiteConfig, signed.payload);
  if (!r.success) return { ok: false, reason: `malformed: ${describeIssues(r.issues)}` };
  return { ok: true, config: r.output };
}

/** The site config in force: the last verified one (kept in the state database), else defaults. */
export class SiteConfigState {
  #current: SiteConfig;

  constructor(private readonly db: Database) {
    const stored = getMeta(db, SITE_CONFIG);
    this.#current = stored ? (JSON.parse(stored) as SiteConfig) : DEFAULT_SITE_CONFIG;
  }

  get current(): SiteConfig {
    return this.#current;
  }

  /** Put a verified config in force and keep it for the next start. */
  apply(config: SiteConfig): void {
    this.#current = config;
    setMeta(this.db, SITE_CONFIG, JSON.stringify(config));
  }
}
