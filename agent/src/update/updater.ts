import { join } from "node:path";
import type { JsonObject } from "../../../protocol/common.ts";
import type { EvidenceEvent } from "../../../protocol/evidence.ts";
import type { Finding } from "../../../protocol/finding.ts";
import type { TrustedKeys } from "../../../protocol/signed.ts";
import type { UpdateMetadata } from "../../../protocol/update.ts";
import { decideUpdate } from "./decide.ts";
import { type BinaryFetcher, downloadVerified } from "./download.ts";
import { UpdateError } from "./errors.ts";
import { healthCheck } from "./health.ts";
import { clearPending, readPending, writePending } from "./pending.ts";
import { rollbackBinary, swapBinary } from "./swap.ts";

/** Where update metadata and binaries come from (the cloud client in the daemon). */
export interface UpdateSource {
  /** The published SignedUpdate (unvalidated), or null when no release is published. */
  latest(): Promise<unknown | null>;
  fetchBinary: BinaryFetcher;
}

/** What the updater needs; everything injectable for tests. */
export interface UpdaterDeps {
  source: UpdateSource;
  /** The cloud's release-signing public key (hex). */
  trustedKey: TrustedKeys;
  currentVersion: string;
  /** The running binary (process.execPath in the compiled agent). */
  target: string;
  /** Directory for the pending-update marker (the agent's state dir). */
  stateDir: string;
  events: (e: EvidenceEvent) => void | Promise<void>;
  now?: () => Date;
  healthTimeoutMs?: number;
  /** Starts of a new version without confirmation before it is rolled back. */
  maxUnconfirmedStarts?: number;
}

/** Outcome of one update check. `restart` asks the daemon to exit so its supervisor starts the new binary. */
export type UpdateResult =
  | { status: "none" }
  | { status: "skipped"; code: string; reason: string }
  | { status: "installed"; version: string; restart: true }
  | { status: "rolled-back"; version: string; reason: string }
  | { status: "failed"; version: string; reason: string };

/** What the daemon learns at start-up about an update in flight. */
export type StartupResult =
  | { status: "none" }
  | { status: "confirming"; version: string }
  | { status: "rolled-back"; version: string; restart: boolean; reason: string };

/**
 * Remote update: judge signed metadata, download and verify, swap atomically (previous kept as
 * `.prev`), health-check the installed binary and roll back on failure; the restarted daemon then
 * confirms the new version after a healthy cycle. Expired metadata never stops the agent: it keeps
 * running and reports the `agent.update-metadata` finding as a warning.
 */
export class Updater {
  private expired: string | undefined;
  private lastRefusal: string | undefined;
  private readonly marker: string;

  constructor(private readonly deps: UpdaterDeps) {
    this.marker = join(deps.stateDir, "update-pending.json");
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async event(type: EvidenceEvent["type"], summary: string, details: JsonObject): Promise<void> {
    await this.deps.events({ type, at: this.now().toISOString(), summary: summary.slice(0, 500), details });
  }

  /** The `agent.update-metadata` finding for a check cycle: warn while metadata is expired. */
  finding(host: string): Finding {
    return {
      checkId: "agent.update-metadata",
      host,
      status: this.expired ? "warn" : "pass",
      severity: "medium",
      title: "Agent update metadata is current",
      citations: ["§164.308(a)(5)(ii)(B)"],
      expected: "signed, unexpired release metadata",
      actual: this.expired ?? "current",
      details: { agentVersion: this.deps.currentVersion },
      observedAt: this.now().toISOString(),
    };
  }

  /** Fetch the published metadata and install it if it is a valid, newer release. */
  async check(): Promise<UpdateResult> {
    const raw = await this.deps.source.latest();
    if (raw === null) {
      this.expired = undefined;
      return { status: "none" };
    }
    const d = decideUpdate(raw, {
      trustedKey: this.deps.trustedKey,
      currentVersion: this.deps.currentVersion,
      now: this.now(),
    });
    if (d.action === "skip") {
      this.expired = d.code === "expired" ? d.reason : undefined;
      const quiet = d.code === "not-newer" && d.meta?.version === this.deps.currentVersion;
      const key = `${d.code}:${d.meta?.version ?? ""}:${d.meta?.sha256 ?? ""}`;
      if (!quiet && key !== this.lastRefusal) {
        this.lastRefusal = key;
        await this.event("update-refused", d.reason, {
          code: d.code,
          ...(d.meta ? { version: d.meta.version } : {}),
        });
      }
      return { status: "skipped", code: d.code, reason: d.reason };
    }
    this.expired = undefined;
    return this.install(d.meta);
  }

  private async install(meta: UpdateMetadata): Promise<UpdateResult> {
    const { target } = this.deps;
    const { version, sha256 } = meta;
    const staged = `${target}.new`;
    try {
      await downloadVerified(this.deps.source.fetchBinary, meta, staged);
      swapBinary(staged, target);
    } catch (e) {
      const reason = (e as Error).message;
      await this.event("update-refused", reason, {
        code: e instanceof UpdateError ? e.step : "install",
        version,
        sha256,
      });
      return { status: "failed", version, reason };
    }
    try {
      await healthCheck(target, version, this.deps.healthTimeoutMs);
    } catch (e) {
      const reason = (e as Error).message;
      rollbackBinary(target);
      await this.event("update-refused", `rolled back to ${this.deps.currentVersion}: ${reason}`, {
        code: "health-check-failed",
        version,
        sha256,
        rolledBackTo: this.deps.currentVersion,
      });
      return { status: "rolled-back", version, reason };
    }
    writePending(this.marker, {
      state: "installed",
      version,
      previousVersion: this.deps.currentVersion,
      target,
      installedAt: this.now().toISOString(),
      starts: 0,
    });
    return { status: "installed", version, restart: true };
  }

  /**
   * Call once when the daemon starts. A new version counts its start; one that keeps restarting
   * without confirming is rolled back (and the daemon should exit to start the previous binary).
   * A rollback recorded by a previous run is reported here by the old version.
   */
  async startup(): Promise<StartupResult> {
    const rec = readPending(this.marker);
    if (!rec) return { status: "none" };
    const { currentVersion } = this.deps;
    if (rec.state === "rolled-back" || currentVersion !== rec.version) {
      clearPending(this.marker);
      const reason = rec.reason ?? `started as ${currentVersion}, not the installed ${rec.version}`;
      await this.event("update-refused", `update to ${rec.version} rolled back: ${reason}`, {
        code: "rolled-back",
        version: rec.version,
        runningVersion: currentVersion,
      });
      return { status: "rolled-back", version: rec.version, restart: false, reason };
    }
    const starts = rec.starts + 1;
    if (starts > (this.deps.maxUnconfirmedStarts ?? 3)) {
      const reason = `${rec.version} started ${rec.starts} times without a healthy cycle`;
      rollbackBinary(rec.target);
      writePending(this.marker, { ...rec, state: "rolled-back", reason });
      return { status: "rolled-back", version: rec.version, restart: true, reason };
    }
    writePending(this.marker, { ...rec, starts });
    return { status: "confirming", version: rec.version };
  }

  /** Call after the first healthy cycle of a new version: the update is final. */
  async confirm(): Promise<boolean> {
    const rec = readPending(this.marker);
    if (rec?.state !== "installed" || rec.version !== this.deps.currentVersion) return false;
    clearPending(this.marker);
    await this.event("agent-updated", `agent updated from ${rec.previousVersion} to ${rec.version}`, {
      from: rec.previousVersion,
      to: rec.version,
      installedAt: rec.installedAt,
    });
    return true;
  }
}
