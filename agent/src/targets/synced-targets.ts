/**
 * Targets entered in the cloud, as this appliance holds them: the signed set from the last sync,
 * kept in the state database exactly as received (credentials still sealed, so encrypted at rest),
 * and opened in memory into host settings the executors use. A set not signed by the cloud's key,
 * or for another appliance, is refused and the previous one stays.
 */
import type { Database } from "bun:sqlite";
import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { openSecret } from "../../../protocol/seal.ts";
import { Signed, type SignedEnvelope, type TrustedKeys, verifyTrusted } from "../../../protocol/signed.ts";
import { type Target, TargetSecret, TargetSet } from "../../../protocol/targets.ts";
import { getMeta, setMeta } from "../queue/db.ts";
import type { SshTarget } from "../ssh/target.ts";
import type { WindowsHostConfig } from "../winrm/hosts.ts";
import type { SealKey } from "./seal-key.ts";

const SignedTargetSet = Signed(TargetSet);
const META = "targets.synced";

/** A target whose credential did not open, and why (shown as a checkin warning). */
export interface TargetProblem {
  targetId: string;
  host: string;
  reason: string;
}

/** What the opened targets give the executors. */
export interface OpenedTargets {
  windows: WindowsHostConfig[];
  /** Linux and macOS hosts; each credential lives only in a closure over the opened secret. */
  ssh: SshTarget[];
  problems: TargetProblem[];
}

/** The synced targets of one appliance. */
export class SyncedTargets {
  constructor(
    private readonly db: Database,
    private readonly key: SealKey,
    private readonly self: { siteId: string; applianceId: string },
  ) {}

  /** The stored set, or null before the first sync. */
  private stored(): SignedEnvelope<TargetSet> | null {
    const raw = getMeta(this.db, META);
    if (!raw) return null;
    const r = v.safeParse(SignedTargetSet, JSON.parse(raw));
    return r.success ? r.output : null;
  }

  /** Version of the stored set (0 before the first sync). */
  get version(): number {
    return this.stored()?.payload.version ?? 0;
  }

  /** Check and store a synced set; returns why it was refused, or null when it was accepted. */
  accept(input: unknown, cloudPublicKey: TrustedKeys | undefined): string | null {
    const r = v.safeParse(SignedTargetSet, input);
    if (!r.success) return `malformed: ${describeIssues(r.issues)}`;
    if (!cloudPublicKey) return "no [cloud] public_key to check the cloud's signature with";
    const check = verifyTrusted(r.output, cloudPublicKey);
    if (!check.ok) return check.reason;
    const p = r.output.payload;
    if (p.siteId !== this.self.siteId || p.applianceId !== this.self.applianceId)
      return `addressed to ${p.siteId}/${p.applianceId}, not this appliance`;
    setMeta(this.db, META, JSON.stringify(r.output));
    return null;
  }

  /** Open every stored credential in memory: host settings for the executors, and what did not open. */
  async open(): Promise<OpenedTargets> {
    const set = this.stored()?.payload;
    const out: OpenedTargets = { windows: [], ssh: [], problems: [] };
    for (const t of set?.targets ?? []) {
      try {
        const secret = await this.secretOf(set!, t);
        if (t.spec.kind === "windows" && secret.kind === "password") {
          const { kind: _k, certFingerprint, ...spec } = t.spec;
          const password = secret.password;
          out.windows.push({
            ...spec,
            port: spec.port ?? (spec.transport === "http-ntlm" ? 5985 : 5986),
            ...(certFingerprint ? { cert_fingerprint: certFingerprint } : {}),
            password: () => password,
            credentialVersion: t.credentialVersion,
          });
        } else if (t.spec.kind === "ssh") {
          out.ssh.push(sshTargetOf(t.spec, secret));
        } else {
          throw new Error(`a Windows target needs a password, not an ${secret.kind} credential`);
        }
      } catch (e) {
        out.problems.push({ targetId: t.id, host: t.spec.host, reason: (e as Error).message });
      }
    }
    return out;
  }

  /** The sealed credential of one target, opened (the plaintext buffer is wiped after parsing). */
  private async secretOf(set: TargetSet, t: Target): Promise<TargetSecret> {
    const binding = {
      siteId: set.siteId,
      applianceId: set.applianceId,
      targetId: t.id,
      version: t.credentialVersion,
    };
    const bytes = await openSecret(t.credential, this.key.secretKey, this.key.publicKey, binding);
    const r = v.safeParse(TargetSecret, JSON.parse(new TextDecoder().decode(bytes)));
    bytes.fill(0);
    if (!r.success) throw new Error(`credential of ${t.spec.host} is malformed: ${describeIssues(r.issues)}`);
    return r.output;
  }
}

/** An SSH target from the cloud, authenticating with the opened key or password held in memory. */
function sshTargetOf(spec: Extract<Target["spec"], { kind: "ssh" }>, secret: TargetSecret): SshTarget {
  let auth: SshTarget["auth"];
  if (secret.kind === "ssh-key") {
    const { privateKey, passphrase } = secret;
    auth = {
      kind: "key-in-memory",
      privateKey: () => privateKey,
      ...(passphrase !== undefined ? { passphrase: () => passphrase } : {}),
    };
  } else {
    const { password } = secret;
    auth = { kind: "password-in-memory", password: () => password };
  }
  return {
    name: spec.host,
    host: spec.host,
    port: spec.port,
    user: spec.username,
    os: spec.os,
    auth,
    ...(spec.hostKeyFingerprint ? { hostKey: spec.hostKeyFingerprint } : {}),
  };
}
