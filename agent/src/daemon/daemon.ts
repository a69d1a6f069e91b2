import type { Database } from "bun:sqlite";
import * as v from "valibot";
import { scrubFinding } from "../../../lib/phi/scrub.ts";
import { signChainHead } from "../../../protocol/chain-heads.ts";
import type { CheckinRequest } from "../../../protocol/checkin.ts";
import { describeIssues } from "../../../protocol/common.ts";
import { type BundleSummary, EvidenceEvent } from "../../../protocol/evidence.ts";
import { Finding } from "../../../protocol/finding.ts";
import { keyFingerprint } from "../../../protocol/provision.ts";
import type { RemediationReceipt } from "../../../protocol/receipt.ts";
import { isVerifiedFix } from "../../../protocol/restate.ts";
import { keyIdOf } from "../../../protocol/sign.ts";
import type { SiteConfig } from "../../../protocol/sync.ts";
import type { SealKeyAnnouncement } from "../../../protocol/targets.ts";
import { PROTOCOL_VERSION } from "../../../protocol/version.ts";
import type { CloudClient } from "../cloud-client/client.ts";
import type { DrainResult } from "../cloud-client/uploader.ts";
import type { Config } from "../config/schema.ts";
import { discoveredNames } from "../discovery/names.ts";
import type { ChainStore } from "../evidence/chain-store.ts";
import { type ChangeEncoderState, encodeCycle } from "../evidence/change-encoder.ts";
import { loadEncoderState, saveEncoderState } from "../evidence/encoder-store.ts";
import { LogWatch } from "../evidence/log-watch.ts";
import { UploadWatch } from "../evidence/upload-watch.ts";
import type { Logger } from "../log/logger.ts";
import { pendingClaimIn } from "../provision/pending.ts";
import { setMeta } from "../queue/db.ts";
import type { Queue } from "../queue/queue.ts";
import type { StatusSnapshot } from "../status/snapshot.ts";
import { CloudKeyring } from "../trust/cloud-keys.ts";
import { AGENT_VERSION } from "../version.ts";
import { chunkFindings } from "./chunk.ts";
import { CloudStep, type TargetsSync } from "./cloud-step.ts";
import type { CheckProvider, CycleContext, Healer, OrderHandler } from "./providers.ts";
import type { SystemdNotifier } from "./sd-notify.ts";
import { SiteConfigState } from "./site-config.ts";
import { SNAPSHOT_META } from "./state.ts";

/** Verified fixes kept for the status page (it lists the last day's that still hold); the snapshot's limit. */
const RECENT_FIXES = 50;

/** Everything the daemon runs on; built by startDaemon (main) or by tests. */
export interface DaemonDeps {
  config: Config;
  db: Database;
  queue: Queue;
  chain: ChainStore;
  /** null when no API key is available yet: the daemon checks and queues, offline. */
  client: CloudClient | null;
  providers: CheckProvider[];
  healer?: Healer;
  orders?: OrderHandler;
  log: Logger;
  notifier: SystemdNotifier;
  hostName: string;
  now?: () => Date;
  /** The sealing key announced at checkin, signed by the identity key. */
  sealKey?: SealKeyAnnouncement;
  /** The identity secret key (hex) that signs the chain head at each checkin (completeness proof). */
  headSigningKey?: string;
  /** Targets entered in the cloud (synced with the site config). */
  targets?: TargetsSync;
  /** A loop with no progress for this long stops feeding the systemd watchdog (default 10 min). */
  stallLimitMs?: number;
}

const iso = (d: Date) => d.toISOString();

/**
 * The `malachor run` loop: every interval run the checks, sign and enqueue the cycle's evidence,
 * let the healer act, then talk to the cloud (cloud-step.ts: checkin, sync, orders, upload) when
 * it is reachable. Each step is bounded, so a hung check or a dead cloud never stalls the loop.
 */
export class Daemon {
  private readonly site: SiteConfigState;
  private readonly cloud: CloudStep;
  private readonly events: EvidenceEvent[] = [];
  private readonly latest = new Map<string, Finding>();
  /** The latest verified fixes, newest first, so the status page tells a drift and its fix as one event. */
  private recentFixes: RemediationReceipt[] = [];
  private lastCycle: CheckinRequest["lastCycle"] = null;
  private readonly warnings = new Map<string, string>();
  private readonly started: number;
  private readonly stop$ = new AbortController();
  private wake: (() => void) | undefined;
  /** A nudge came while no sleep was there to wake (a cycle was running): the next sleep is skipped. */
  private nudged = false;
  private loop: Promise<void> | undefined;
  private lastProgress = Date.now();
  private wasNearBound = false;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private readonly uploads: UploadWatch;
  private readonly logWatch: LogWatch;
  private readonly keyring: CloudKeyring | undefined;
  /** The change encoder's state, loaded at the first "changes" cycle (encoder-store.ts). */
  private encoder: ChangeEncoderState | undefined;
  private snapshotAsked = false;

  constructor(private readonly d: DaemonDeps) {
    this.started = Date.now();
    this.site = new SiteConfigState(d.db);
    this.uploads = new UploadWatch(d.db);
    this.logWatch = new LogWatch(d.db, d.config.appliance.site_id);
    this.keyring = d.config.cloud.public_key ? new CloudKeyring(d.db, d.config.cloud.public_key) : undefined;
    this.cloud = new CloudStep({
      client: d.client,
      queue: d.queue,
      chain: d.chain,
      healer: d.healer,
      orders: d.orders,
      log: d.log,
      cloudPublicKey: this.keyring?.lookup,
      site: this.site,
      warnings: this.warnings,
      checkinRequest: () => this.checkinRequest(),
      recordEvent: this.recordEvent,
      now: () => this.now(),
      drainBudgetMs: () => Math.max(10_000, (this.intervalSec * 1000) / 2),
      stopping: () => this.stop$.signal.aborted,
      uploads: this.uploads,
      logWatch: this.logWatch,
      trustedCloudKeys: () => this.keyring?.trusted() ?? [],
      ...(this.keyring ? { keyring: this.keyring } : {}),
      ...(d.targets ? { targets: d.targets } : {}),
    });
    this.cloud.watchUploads(); // a stuck upload outlives a restart
    const logAlarm = this.logWatch.warning(); // so does an alarm on the cloud's log
    if (logAlarm) this.warnings.set("cloud-log-broken", logAlarm);
  }

  private get siteConfig(): SiteConfig {
    return this.site.current;
  }

  private now(): Date {
    return this.d.now?.() ?? new Date();
  }

  /** Record an event; it goes into the next cycle's bundle (the OrderProcessor's EventSink). */
  recordEvent = (event: EvidenceEvent): void => {
    // Checked on the way in: one bad event must not make a whole bundle unacceptable.
    const r = v.safeParse(EvidenceEvent, event);
    if (r.success) this.events.push(r.output);
    else this.d.log.error("malformed evidence event dropped", { issues: describeIssues(r.issues) });
  };

  /** Seconds between cycles: the synced site config wins over the local [checks] interval. */
  get intervalSec(): number {
    return this.siteConfig.version > 0 ? this.siteConfig.checkIntervalSec : this.d.config.checks.interval_sec;
  }

  private context(): CycleContext {
    return {
      siteConfig: this.siteConfig,
      disabled: new Set([...this.d.config.checks.disabled, ...this.siteConfig.disabledChecks]),
      timeoutMs: this.d.config.checks.timeout_sec * 1000,
      signal: this.stop$.signal,
    };
  }

  private async collect(p: CheckProvider, ctx: CycleContext, settled?: CheckProvider[]): Promise<Finding[]> {
    // A provider gets a few check timeouts in all (its checks run concurrently, each bounded).
    const limit = p.timeoutMs ?? ctx.timeoutMs * 3;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const failed = (why: string): Finding => ({
      checkId: `${p.name}.provider`,
      host: this.d.hostName,
      status: "error",
      severity: "high",
      title: `${p.name} checks ran`,
      citations: ["§164.308(a)(1)(ii)(D)"],
      actual: why.slice(0, 500),
      details: {},
      observedAt: iso(this.now()),
    });
    let found: Finding[];
    try {
      found = await Promise.race([
        p.collect(ctx),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`provider did not finish within ${limit} ms`)), limit);
        }),
      ]);
    } catch (e) {
      this.d.log.error("check provider failed", { provider: p.name, error: e });
      return [failed(`provider failed: ${(e as Error).message}`)];
    } finally {
      clearTimeout(timer);
    }
    settled?.push(p);
    // A malformed finding would make the whole bundle unacceptable to the cloud (and stall the
    // chain there), so each is checked here and a bad one is reported instead of sent.
    const out: Finding[] = [];
    for (const f of found.filter((x) => !ctx.disabled.has(x?.checkId))) {
      const r = v.safeParse(Finding, f);
      if (r.success) out.push(r.output);
      else out.push(failed(`malformed finding from ${p.name}: ${describeIssues(r.issues)}`));
    }
    return out;
  }

  // The queue's own health as a finding: near the disk bound, evidence may soon exceed it.
  private queueFinding(): Finding {
    const s = this.d.queue.stats();
    const pct = Math.round((s.bytes / s.maxBytes) * 100);
    if (s.nearBound && !this.wasNearBound) {
      this.recordEvent({
        type: "queue-near-bound",
        at: iso(this.now()),
        summary: `offline queue at ${pct} % of its ${s.maxBytes} byte bound`,
        details: { depth: s.depth, bytes: s.bytes, maxBytes: s.maxBytes },
      });
    }
    this.wasNearBound = s.nearBound;
    if (s.nearBound)
      this.warnings.set(
        "queue-near-bound",
        `offline queue at ${pct} % of its bound; telemetry is being shed`,
      );
    else this.warnings.delete("queue-near-bound");
    return {
      checkId: "agent.queue-capacity",
      host: this.d.hostName,
      status: s.nearBound ? "warn" : "pass",
      severity: "medium",
      title: "Offline evidence queue has room",
      citations: ["§164.312(b)", "§164.308(a)(7)(ii)(A)"],
      expected: "queue below 90 % of [queue] max_bytes",
      // Only the percentage in `actual`: depth and age move every cycle and are not a change of state.
      actual: `${pct} % used`,
      details: {
        depth: s.depth,
        bytes: s.bytes,
        maxBytes: s.maxBytes,
        oldestAgeSec: s.oldestAgeSec,
        shed: s.streams.telemetry.shed,
      },
      observedAt: iso(this.now()),
    };
  }

  /** One check cycle: collect, sign + enqueue the bundle (atomically with the chain head), heal. */
  async runCycle(): Promise<Finding[]> {
    const t0 = performance.now();
    const at = this.now();
    const ctx = this.context();
    const settled: CheckProvider[] = [];
    const lists = await Promise.all(this.d.providers.map((p) => this.collect(p, ctx, settled)));
    // PHI never enters the chain: findings are scrubbed before they are signed.
    const findings = [
      ...lists.flat(),
      this.queueFinding(),
      this.uploads.finding(this.d.hostName, iso(at)),
      this.logWatch.finding(this.d.hostName, iso(at)),
    ].map(scrubFinding);
    // A large fleet's cycle spans several chained bundles (each within the protocol's limits).
    const events = this.events.splice(0, 500);
    const seqBefore = this.d.chain.head().seq;
    // What the providers consumed (event-log events) is marked with the bundles that report it.
    const prev = this.d.config.checks.evidence === "changes" ? this.encoderState() : undefined;
    let encoded: ChangeEncoderState | undefined;
    this.d.chain.atomically(() => {
      if (prev) encoded = this.appendChanges(prev, findings, events, iso(at));
      else {
        for (const [i, part] of chunkFindings(findings).entries()) {
          this.d.chain.append({
            kind: "check-cycle",
            createdAt: iso(at),
            findings: part,
            events: i === 0 ? events : [],
          });
        }
      }
      for (const p of settled) p.committed?.();
    });
    if (encoded) {
      this.encoder = encoded;
      this.snapshotAsked = false;
    }
    // From the cycle's findings, not its bundles: a change bundle carries only what changed.
    const summary: BundleSummary = { pass: 0, fail: 0, warn: 0, error: 0 };
    for (const f of findings) summary[f.status] = (summary[f.status] ?? 0) + 1;
    for (const f of findings) this.latest.set(`${f.checkId}|${f.host}`, f);
    this.lastCycle = { at: iso(at), durationMs: Math.round(performance.now() - t0), summary };
    this.d.log.info("cycle done", {
      seq: this.d.chain.head().seq,
      bundles: this.d.chain.head().seq - seqBefore,
      durationMs: this.lastCycle.durationMs,
      ...summary,
    });
    this.persistSnapshot();
    if (this.d.healer) {
      try {
        const report = await this.d.healer.heal(findings, this.siteConfig);
        const fixes = (report?.receipts ?? []).filter(isVerifiedFix).reverse();
        if (fixes.length > 0) {
          this.recentFixes = [...fixes, ...this.recentFixes].slice(0, RECENT_FIXES);
          this.persistSnapshot();
        }
      } catch (e) {
        this.d.log.error("healing failed", { error: e });
      }
    }
    this.lastProgress = Date.now();
    return findings;
  }

  // The encoder's state as saved with the chain, or rebuilt from the chain when they disagree.
  private encoderState(): ChangeEncoderState {
    if (this.encoder) return this.encoder;
    const { state, origin } = loadEncoderState(this.d.db, this.d.config.appliance.appliance_id);
    if (origin.from === "chain")
      this.d.log.warn("evidence encoder state rebuilt from the chain", { why: origin.why, seq: origin.seq });
    else if (origin.from === "fresh")
      this.d.log.info("evidence encoder starts afresh: the next bundle is a snapshot", { why: origin.why });
    this.encoder = state;
    return state;
  }

  // Inside the cycle's transaction: the cycle as state bundles (change-encoder.ts) — a snapshot when
  // due or asked for, the changes, or nothing while quiet — and the encoder's state saved with
  // them, so a restart (even after kill -9) carries on from exactly what the chain holds. Returns
  // the state to keep once the transaction commits.
  private appendChanges(
    prev: ChangeEncoderState,
    findings: Finding[],
    events: EvidenceEvent[],
    at: string,
  ): ChangeEncoderState {
    const c = this.d.config.checks;
    const r = encodeCycle(prev, findings, at, {
      snapshotEveryMs: c.snapshot_interval_sec * 1000,
      quietFlushMs: c.quiet_flush_sec * 1000,
      snapshot: this.snapshotAsked,
      flush: events.length > 0,
    });
    for (const [i, content] of r.contents.entries())
      this.d.chain.append(i === 0 ? { ...content, events } : content);
    const through = r.contents.length > 0 ? this.d.chain.head() : undefined;
    saveEncoderState(this.d.db, this.d.config.appliance.appliance_id, prev, r.next, through);
    return r.next;
  }

  /** Make the next cycle write a full state snapshot (evidence = "changes"). */
  askSnapshot(): void {
    this.snapshotAsked = true;
  }

  private checkinRequest(): CheckinRequest {
    const s = this.d.queue.stats();
    const head = this.d.chain.head();
    return {
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      hostname: this.d.hostName,
      uptimeSec: Math.floor((Date.now() - this.started) / 1000),
      lastCycle: this.lastCycle,
      queue: { depth: s.depth, bytes: s.bytes, oldestAgeSec: s.oldestAgeSec },
      chain: { seq: head.seq, head: head.hash },
      configVersion: this.siteConfig.version,
      rulesVersion: this.d.healer?.rulesVersion ?? 0,
      warnings: [...this.warnings]
        .slice(0, 50)
        .map(([code, message]) => ({ code, message: message.slice(0, 500) })),
      ...(this.d.sealKey ? { sealKey: this.d.sealKey } : {}),
      ...(this.d.headSigningKey
        ? {
            signedHead: signChainHead(
              {
                siteId: this.d.config.appliance.site_id,
                applianceId: this.d.config.appliance.appliance_id,
                seq: head.seq,
                hash: head.hash,
                at: iso(this.now()),
              },
              this.d.headSigningKey,
            ),
          }
        : {}),
    };
  }

  /** Talk to the cloud (see cloud-step.ts); the snapshot is saved whatever came of it. */
  async cloudStep(): Promise<DrainResult | undefined> {
    if (!this.d.client) return undefined;
    const r = await this.cloud.run();
    if (r) this.lastProgress = Date.now();
    this.persistSnapshot();
    return r;
  }

  /** Deliver what is queued now (also `malachor queue flush` through the local API). */
  async drain(): Promise<DrainResult | undefined> {
    const r = await this.cloud.drain();
    this.lastProgress = Date.now();
    return r;
  }

  /** The daemon's state as the local status API reports it. */
  snapshot(): StatusSnapshot {
    const c = this.checkinRequest();
    const pendingClaim = pendingClaimIn(this.d.db);
    return {
      generatedAt: iso(this.now()),
      siteId: this.d.config.appliance.site_id,
      applianceId: this.d.config.appliance.appliance_id,
      agentVersion: c.agentVersion,
      hostname: c.hostname,
      uptimeSec: c.uptimeSec,
      checkIntervalSec: this.intervalSec,
      lastCycle: c.lastCycle,
      findings: [...this.latest.values()].slice(0, 5_000),
      recentFixes: this.recentFixes,
      hostNames: discoveredNames(this.d.db),
      queue: c.queue,
      chain: c.chain,
      lastSync: this.cloud.lastSync,
      lastUpload: this.cloud.lastUpload,
      healing: { paused: this.siteConfig.healing.paused, dryRun: this.siteConfig.healing.dryRun },
      warnings: c.warnings,
      identity: {
        keyId: keyIdOf(this.d.chain.publicKey),
        fingerprint: keyFingerprint(this.d.chain.publicKey),
      },
      ...(pendingClaim ? { pendingClaim } : {}),
    };
  }

  private persistSnapshot(): void {
    setMeta(this.d.db, SNAPSHOT_META, JSON.stringify(this.snapshot()));
  }

  private sleep(ms: number): Promise<void> {
    // An abort that came during the step has already fired: it would never wake this sleep.
    if (this.stop$.signal.aborted) return Promise.resolve();
    // Likewise a nudge that came during the cycle: the cycle it asked for runs now.
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stop$.signal.removeEventListener("abort", done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      this.stop$.signal.addEventListener("abort", done);
    });
  }

  // systemd must never take the daemon down: a failed notify is logged once, then ignored.
  private notifyFailed = false;
  private notify(message: string): void {
    try {
      this.d.notifier.notify(message);
    } catch (e) {
      if (!this.notifyFailed) this.d.log.warn("systemd notify failed", { error: e });
      this.notifyFailed = true;
    }
  }

  /** Start the loop (returns at once); READY=1 goes to systemd, and the watchdog is fed. */
  start(): void {
    const every = this.d.notifier.watchdogIntervalMs;
    if (every) {
      const stall = this.d.stallLimitMs ?? 600_000;
      this.watchdog = setInterval(() => {
        // Only a loop that still makes progress feeds the watchdog; a stuck one gets restarted.
        if (Date.now() - this.lastProgress < stall) this.notify("WATCHDOG=1");
      }, every);
    }
    this.notify(`READY=1\nSTATUS=running checks every ${this.intervalSec} s\nMAINPID=${process.pid}`);
    this.loop = (async () => {
      while (!this.stop$.signal.aborted) {
        const begin = Date.now();
        try {
          await this.runCycle();
          if (this.stop$.signal.aborted) break;
          await this.cloudStep();
          const s = this.lastCycle?.summary;
          if (s)
            this.notify(`STATUS=last cycle ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.error} error`);
        } catch (e) {
          this.d.log.error("cycle failed", { error: e });
        }
        this.lastProgress = Date.now();
        // Return the cycle's garbage before idling: keeps the appliance's resident memory low.
        Bun.gc(true);
        await this.sleep(Math.max(0, this.intervalSec * 1000 - (Date.now() - begin)));
      }
    })();
  }

  /**
   * Run the next cycle now instead of waiting out the interval. Asked during a cycle, the next
   * one starts as soon as this one ends (nudges during one cycle ask for one more, not several).
   */
  nudge(): void {
    if (this.wake) this.wake();
    else this.nudged = true;
  }

  /**
   * Graceful stop: let the current step finish (or abandon it after `graceMs`: every write is a
   * committed transaction, so nothing is half done), then close the database.
   */
  async stop(graceMs = 20_000): Promise<void> {
    this.notify("STOPPING=1");
    this.stop$.abort();
    clearInterval(this.watchdog);
    if (this.loop) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const abandoned = await Promise.race([
        this.loop.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (abandoned) this.d.log.warn("stopping without waiting for the current step", { graceMs });
    }
    this.d.db.close();
    this.d.log.info("stopped");
  }
}
