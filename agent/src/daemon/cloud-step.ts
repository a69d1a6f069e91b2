/**
 * The daemon's talk with the cloud after each cycle: checkin, sync when the signed site config or
 * L1 rules moved (applied only when the cloud's key signed them), orders, then draining the queue.
 * A cloud that cannot be reached costs a warning and a retry at the next cycle, never the loop.
 */
import type { CheckinRequest } from "../../../protocol/checkin.ts";
import type { EvidenceEvent } from "../../../protocol/evidence.ts";
import type { SignedKeyRotation } from "../../../protocol/key-rotation.ts";
import type { TrustedKeys } from "../../../protocol/signed.ts";
import type { CloudClient } from "../cloud-client/client.ts";
import { CloudError } from "../cloud-client/errors.ts";
import { type DrainResult, drainQueue } from "../cloud-client/uploader.ts";
import type { ChainStore } from "../evidence/chain-store.ts";
import type { LogWatch } from "../evidence/log-watch.ts";
import type { UploadWatch } from "../evidence/upload-watch.ts";
import type { Logger } from "../log/logger.ts";
import type { Queue } from "../queue/queue.ts";
import type { CloudContact } from "../status/snapshot.ts";
import type { CloudKeyring } from "../trust/cloud-keys.ts";
import type { Healer, OrderHandler } from "./providers.ts";
import { acceptSiteConfig, type SiteConfigState } from "./site-config.ts";

/** The targets entered in the cloud, as the cloud step syncs them (agent/src/targets/). */
export interface TargetsSync {
  /** Version of the set held (0 before the first sync). */
  readonly version: number;
  /** Check and store a synced set; why it was refused, or null. */
  accept(input: unknown, cloudPublicKey: TrustedKeys | undefined): string | null;
  /** Put an accepted set to use (open the credentials, renew the executors). */
  applied(): Promise<void>;
}

/** What the cloud step works with; the warnings map and site config are shared with the loop. */
export interface CloudStepDeps {
  /** null when no API key is available yet: there is no cloud step. */
  client: CloudClient | null;
  queue: Queue;
  chain: ChainStore;
  healer?: Healer;
  orders?: OrderHandler;
  log: Logger;
  /** The cloud's signing key ([cloud] public_key): synced configs must verify against it. */
  cloudPublicKey: TrustedKeys | undefined;
  site: SiteConfigState;
  /** The checkin warnings (code → message), shared with the loop. */
  warnings: Map<string, string>;
  checkinRequest: () => CheckinRequest;
  recordEvent: (event: EvidenceEvent) => void;
  now: () => Date;
  /** How long one drain may go on before the checks' schedule comes first. */
  drainBudgetMs: () => number;
  stopping: () => boolean;
  /** Watches for an evidence upload the cloud refuses step after step. */
  uploads: UploadWatch;
  targets?: TargetsSync;
  /** Watches the cloud's transparency log of this site (absent: not watched). */
  logWatch?: LogWatch;
  /** The cloud public keys (hex) a checkpoint of the site's log may be signed by. */
  trustedCloudKeys: () => string[];
  /** The cloud keys trusted, moved on by signed rotations at sync (absent: no [cloud] public_key). */
  keyring?: CloudKeyring;
}

/** Checkin → sync → orders → drain, remembering how the last contact and upload went. */
export class CloudStep {
  lastSync: CloudContact | null = null;
  lastUpload: CloudContact | null = null;
  private needSync = true;

  constructor(private readonly d: CloudStepDeps) {}

  private at(): string {
    return this.d.now().toISOString();
  }

  private async sync(client: CloudClient): Promise<void> {
    const { site, warnings, log } = this.d;
    const res = await client.sync();
    this.needSync = false;
    // Rotations first: what the sync carries may be signed by the key they introduce.
    if (this.d.keyring && res.cloudKeys) this.acceptRotations(this.d.keyring, res.cloudKeys);
    const accepted = acceptSiteConfig(res.config, this.d.cloudPublicKey);
    if (!accepted.ok) {
      warnings.set("site-config-refused", `synced site config refused: ${accepted.reason}`);
      log.warn("synced site config refused", { reason: accepted.reason });
    } else {
      warnings.delete("site-config-refused");
      const from = site.current.version;
      if (accepted.config.version !== from) {
        this.d.recordEvent({
          type: "config-changed",
          at: this.at(),
          summary: `site config v${from} → v${accepted.config.version}`,
          details: { from, to: accepted.config.version },
        });
        site.apply(accepted.config);
        log.info("site config applied", { version: accepted.config.version });
      }
    }
    this.d.healer?.updateRules?.(res.rules);
    if (this.d.targets && res.targets) await this.syncTargets(this.d.targets, res.targets);
  }

  /**
   * Move trust along the cloud's signed rotations; each accepted or refused rotation is recorded in
   * the chain (a refusal once while it stands, also as a warning).
   */
  private acceptRotations(keyring: CloudKeyring, rotations: SignedKeyRotation[]): void {
    const { warnings, log } = this.d;
    const r = keyring.accept(rotations);
    for (const p of r.accepted) {
      this.d.recordEvent({
        type: "cloud-key-rotated",
        at: this.at(),
        summary: `cloud signing key ${p.previousKeyId} → ${p.keyId}`,
        details: { ...p },
      });
      log.info("cloud key rotation accepted", { from: p.previousKeyId, to: p.keyId });
    }
    if (!r.refused) {
      warnings.delete("cloud-key-rotation-refused");
      return;
    }
    if (warnings.get("cloud-key-rotation-refused") !== r.refused) {
      this.d.recordEvent({
        type: "cloud-key-rotation-refused",
        at: this.at(),
        summary: r.refused.slice(0, 200),
        details: { reason: r.refused, trustedKeyId: keyring.current()?.keyId ?? null },
      });
      log.error("cloud key rotation refused", { reason: r.refused });
    }
    warnings.set("cloud-key-rotation-refused", r.refused);
  }

  private async syncTargets(targets: TargetsSync, input: unknown): Promise<void> {
    const { warnings, log } = this.d;
    const from = targets.version;
    const refused = targets.accept(input, this.d.cloudPublicKey);
    if (refused) {
      warnings.set("targets-refused", `synced targets refused: ${refused}`);
      log.warn("synced targets refused", { reason: refused });
      return;
    }
    warnings.delete("targets-refused");
    if (targets.version === from) return;
    await targets.applied();
    this.d.recordEvent({
      type: "config-changed",
      at: this.at(),
      summary: `targets v${from} → v${targets.version}`,
      details: { targets: { from, to: targets.version } },
    });
    log.info("targets applied", { version: targets.version });
  }

  /** Talk to the cloud: checkin, sync when the config or rules moved, orders, then drain the queue. */
  async run(): Promise<DrainResult | undefined> {
    const { client, chain, warnings, log } = this.d;
    if (!client) return undefined;
    try {
      const res = await client.checkin(this.d.checkinRequest());
      // Sync when either signed document moved: a promoted L1 rule must reach every appliance even
      // when the site config stays the same.
      const rulesVersion = this.d.healer?.rulesVersion;
      if (
        res.configVersion !== this.d.site.current.version ||
        (rulesVersion !== undefined && res.rulesVersion !== rulesVersion) ||
        (this.d.targets &&
          res.targetsVersion !== undefined &&
          res.targetsVersion !== this.d.targets.version) ||
        (this.d.keyring && res.cloudKeyId !== undefined && res.cloudKeyId !== this.d.keyring.current()?.keyId)
      )
        this.needSync = true;
      const r = chain.reconcile(res.chainSeq);
      if (r.warning) warnings.set("chain-ahead", r.warning);
      else warnings.delete("chain-ahead");
      if (r.requeued > 0)
        log.warn("cloud is behind our chain; resending", { cloudSeq: res.chainSeq, requeued: r.requeued });
      if (this.needSync) await this.sync(client);
      this.lastSync = { at: this.at(), ok: true };
      warnings.delete("cloud-unreachable");
      if (this.d.orders && res.pendingOrders > 0) {
        await this.d.orders.poll().catch((e) => log.error("order handling failed", { error: e }));
      }
    } catch (e) {
      const message = (e as Error).message.slice(0, 500);
      this.lastSync = { at: this.at(), ok: false, error: message };
      warnings.set("cloud-unreachable", message);
      log.warn("cloud contact failed", {
        error: message,
        kind: e instanceof CloudError ? e.kind : "internal",
      });
      this.watchUploads(e as Error);
      return undefined;
    }
    const drained = await this.drain();
    this.watchUploads(drained);
    await this.watchLog(client);
    return drained;
  }

  /**
   * Check that the cloud's log still extends the checkpoint kept (issue #20 item 3). A broken
   * history is recorded in the chain once, and stands as a warning until a technician clears it;
   * an unreachable log view is only logged.
   */
  async watchLog(client: CloudClient): Promise<void> {
    const { logWatch, warnings, log } = this.d;
    if (!logWatch) return;
    try {
      const r = await logWatch.check((from) => client.logView(from), this.d.trustedCloudKeys(), this.d.now());
      if (r.outcome === "alarm") {
        this.d.recordEvent(r.event);
        log.error("the cloud's evidence log does not extend the checkpoint kept", {
          kind: r.alarm.kind,
          message: r.alarm.message,
        });
      } else if (r.outcome === "first" || r.outcome === "advanced") {
        log.info("cloud log checkpoint verified", { size: r.size });
      }
    } catch (e) {
      log.warn("cloud log not checked", { error: (e as Error).message.slice(0, 500) });
    }
    const w = logWatch.warning();
    if (w) warnings.set("cloud-log-broken", w);
    else warnings.delete("cloud-log-broken");
  }

  /** A stuck evidence upload (the same refusal step after step) becomes a checkin warning. */
  watchUploads(outcome?: DrainResult | Error): void {
    const { uploads, warnings } = this.d;
    if (outcome) uploads.observe(outcome, this.d.queue.stats().streams.evidence.depth, this.d.now());
    const w = uploads.warning();
    if (w) warnings.set("evidence-upload-stuck", w);
    else warnings.delete("evidence-upload-stuck");
  }

  /** Deliver what is queued now (also `malachor queue flush` through the local API). */
  async drain(): Promise<DrainResult | undefined> {
    const { client, log } = this.d;
    if (!client) return undefined;
    // A long backlog (days offline) drains over several steps so the checks keep their schedule.
    const until = Date.now() + this.d.drainBudgetMs();
    const r = await drainQueue(this.d.queue, client, this.d.chain, {
      shouldStop: () => this.d.stopping() || Date.now() > until,
    });
    for (const w of r.warnings) log.warn(w);
    if (r.stoppedBy) {
      this.lastUpload = { at: this.at(), ok: false, error: r.stoppedBy.message.slice(0, 500) };
      log.warn("upload paused", { error: r.stoppedBy.message, kind: r.stoppedBy.kind });
    } else {
      this.lastUpload = { at: this.at(), ok: true };
      if (Object.keys(r.delivered).length) log.info("uploaded", r.delivered);
    }
    return r;
  }
}
