import type { Database } from "bun:sqlite";
import type { KeyRotation, SignedKeyRotation } from "../../../protocol/key-rotation.ts";
import { verifyRotation } from "../../../protocol/key-rotation.ts";
import { keyIdOf } from "../../../protocol/sign.ts";
import type { TrustedKeys } from "../../../protocol/signed.ts";
import type { Config } from "../config/schema.ts";

/** A cloud key as the appliance trusts it. */
export interface TrustedCloudKey {
  keyId: string;
  publicKey: string;
  /** Null: the current key; else signatures by it are refused from then on. */
  validUntil: string | null;
}

/** What a sync's rotations did to the keyring. */
export interface RotationOutcome {
  accepted: KeyRotation[];
  /** Why a rotation was refused (the keyring stays as it was from that rotation on). */
  refused?: string;
}

type Row = { key_id: string; public_key: string; valid_until: string | null };

/**
 * The cloud keys this appliance trusts (state database, table `cloud_key`). The first is the key
 * enrolment wrote to `[cloud] public_key`; each later one only through a rotation message signed by
 * the key trusted until then (protocol/key-rotation.ts), so a cloud, or anyone in its place, cannot
 * make the appliance trust a key its current one did not name. A replaced key stays trusted until
 * the rotation's `previousValidUntil` (the overlap); a key the keyring never accepted is never trusted.
 * A config naming a key the keyring does not know (a new enrolment, a technician's edit) starts the
 * keyring afresh from it: the config file is the root of trust.
 */
export class CloudKeyring {
  constructor(
    private readonly db: Database,
    configured: string | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (configured && !this.row(keyIdOf(configured))) {
      this.db.transaction(() => {
        this.db.query("DELETE FROM cloud_key").run();
        this.insert(keyIdOf(configured), configured, this.now().toISOString(), null);
      })();
    }
  }

  private row(keyId: string): Row | null {
    return this.db
      .query<Row, [string]>("SELECT key_id, public_key, valid_until FROM cloud_key WHERE key_id = ?")
      .get(keyId);
  }

  private insert(
    keyId: string,
    publicKey: string,
    validFrom: string,
    rotation: SignedKeyRotation | null,
  ): void {
    this.db
      .query(
        "INSERT INTO cloud_key (key_id, public_key, valid_from, valid_until, rotation, accepted_at) VALUES (?, ?, ?, NULL, ?, ?)",
      )
      .run(keyId, publicKey, validFrom, rotation ? JSON.stringify(rotation) : null, this.now().toISOString());
  }

  /** The key the cloud signs with as far as this appliance knows, or undefined without any. */
  current(): TrustedCloudKey | undefined {
    const r = this.db
      .query<Row, []>(
        "SELECT key_id, public_key, valid_until FROM cloud_key WHERE valid_until IS NULL LIMIT 1",
      )
      .get();
    return r ? { keyId: r.key_id, publicKey: r.public_key, validUntil: null } : undefined;
  }

  /** Every key trusted now (the current one and replaced ones still in their overlap). */
  trusted(): string[] {
    const at = this.now().toISOString();
    return this.db
      .query<{ public_key: string }, [string]>(
        "SELECT public_key FROM cloud_key WHERE valid_until IS NULL OR valid_until > ? ORDER BY valid_from",
      )
      .all(at)
      .map((r) => r.public_key);
  }

  /** The public key trusted now for a key id (what signed envelopes are checked with). */
  lookup = (keyId: string): string | undefined => {
    const r = this.row(keyId);
    if (!r) return undefined;
    return r.valid_until === null || Date.parse(r.valid_until) > this.now().getTime()
      ? r.public_key
      : undefined;
  };

  /**
   * Walk the cloud's chain of rotations (oldest first) from the current key: each new one must be
   * signed by the key trusted until then. Rotations already accepted are skipped; the first that
   * does not follow is refused, and nothing after it is taken.
   */
  accept(rotations: readonly SignedKeyRotation[]): RotationOutcome {
    const accepted: KeyRotation[] = [];
    let cur = this.current();
    for (const rot of rotations) {
      const p = rot.payload;
      if (this.row(p.keyId)) continue;
      if (!cur)
        return { accepted, refused: `rotation to key ${p.keyId}: this appliance trusts no cloud key yet` };
      const check = verifyRotation(rot, cur.publicKey);
      if (!check.ok) {
        return { accepted, refused: `rotation to key ${p.keyId} refused: ${check.reason}` };
      }
      const previous = cur.keyId;
      this.db.transaction(() => {
        this.db
          .query("UPDATE cloud_key SET valid_until = ? WHERE key_id = ?")
          .run(p.previousValidUntil, previous);
        this.insert(p.keyId, p.publicKey, p.validFrom, rot);
      })();
      accepted.push(p);
      cur = { keyId: p.keyId, publicKey: p.publicKey, validUntil: null };
    }
    return { accepted };
  }
}

/** The cloud keys a part of the daemon checks signatures with, or undefined without `[cloud] public_key`. */
export function cloudTrust(config: Config, db: Database): TrustedKeys | undefined {
  return config.cloud.public_key ? new CloudKeyring(db, config.cloud.public_key).lookup : undefined;
}
