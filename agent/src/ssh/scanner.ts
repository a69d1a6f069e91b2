/**
 * A scan of one SSH host: connect (host key checked against its pin, pinned on first use), run
 * one combined script gathering everything the checks ask, then run the checks — the same check
 * modules as on the appliance — over an `SshHost` answering from that script's output. Every scan
 * yields an `ssh.host-key` finding (the key and how it is trusted: evidence of the pin); a changed
 * key yields a failing one and nothing else runs; an unreachable host yields `ssh.connection`.
 */
import type { Finding } from "../../../protocol/finding.ts";
import type { CheckSettings, HostBaseline, LinuxCheck } from "../checks/check.ts";
import { runChecks } from "../checks/run.ts";
import { connectSsh, HostKeyRefusedError, SshError } from "./connection.ts";
import type { Limiter } from "./limiter.ts";
import { decideHostKey, type PinOutcome, type PinStore, verdictOf } from "./pins.ts";
import { type Request, requestKey } from "./scan-script.ts";
import { gather, RecordingHost, SshHost } from "./ssh-host.ts";
import type { SshTarget } from "./target.ts";

/** How scans connect and what they may cost. */
export interface SshScanOptions {
  pins: PinStore;
  /** Shared by every scan and runbook of the appliance (`[ssh] max_concurrent`). */
  limiter: Limiter;
  allowPassword: boolean;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  maxBytes: number;
  /** Per-check limit once the script's output is in. */
  checkTimeoutMs: number;
  settings: CheckSettings;
  /** Per-host first-seen lists of the baseline checks (SUID files, cron entries). */
  baseline?: (host: string) => HostBaseline;
  now?: () => Date;
}

/** What a scan measured besides its findings. */
export interface ScanStats {
  handshakeMs: number;
  scriptMs: number;
  /** Requests answered live because the script lacked them (0 once the host is learned). */
  misses: number;
  outputBytes?: number;
}

const HOST_KEY_CHECK = {
  title: "SSH host key is the pinned one",
  citations: ["§164.312(e)(1)", "§164.312(d)"],
} as const;

/** Scans SSH targets; remembers per target which requests its script needs. */
export class SshScanner {
  readonly #learned = new Map<string, Request[]>();
  readonly #seeds = new Map<string, Request[]>();
  constructor(private readonly opts: SshScanOptions) {}

  // The first script of a check set: what the checks ask of a machine that has nothing.
  async #seed(checks: readonly LinuxCheck[]): Promise<Request[]> {
    const key = checks.map((c) => c.id).join(",");
    const known = this.#seeds.get(key);
    if (known) return known;
    const rec = new RecordingHost();
    await runChecks(checks, { host: rec, settings: this.opts.settings, hostName: "seed", timeoutMs: 1000 });
    const seed = unique(rec.requests);
    this.#seeds.set(key, seed);
    return seed;
  }

  /** Scan one target with `checks`; never throws (failures become findings). */
  async scan(
    target: SshTarget,
    checks: readonly LinuxCheck[],
  ): Promise<{ findings: Finding[]; stats: ScanStats }> {
    const o = this.opts;
    const now = o.now ?? (() => new Date());
    const pinKey = `${target.host}:${target.port}`;
    const learnedKey = `${pinKey}|${checks.map((c) => c.id).join(",")}`;
    const requests = this.#learned.get(learnedKey) ?? (await this.#seed(checks));
    return o.limiter.run(async () => {
      let outcome: PinOutcome | undefined;
      const t0 = performance.now();
      let session: Awaited<ReturnType<typeof connectSsh>>;
      try {
        session = await connectSsh(target, {
          connectTimeoutMs: o.connectTimeoutMs,
          allowPassword: o.allowPassword,
          verifyHostKey: (seen) => {
            outcome = decideHostKey(seen, target.hostKey, o.pins.get(pinKey), now());
            return verdictOf(outcome);
          },
        });
      } catch (e) {
        const stats = { handshakeMs: performance.now() - t0, scriptMs: 0, misses: 0 };
        if (e instanceof HostKeyRefusedError && outcome?.kind === "changed")
          return { findings: [hostKeyFinding(target, outcome, now())], stats };
        return { findings: [connectionFinding(target, e as Error, now())], stats };
      }
      const handshakeMs = performance.now() - t0;
      try {
        if (outcome?.kind === "pinned-now") o.pins.set(pinKey, outcome.pin);
        const limits = { commandTimeoutMs: o.commandTimeoutMs, maxBytes: o.maxBytes };
        const t1 = performance.now();
        const startedAt = Date.now();
        let snapshot: Awaited<ReturnType<typeof gather>>;
        try {
          snapshot = await gather(session, requests, limits);
        } catch (e) {
          const f = connectionFinding(target, e as Error, now());
          return {
            findings: [hostKeyFinding(target, outcome as PinOutcome, now()), { ...f, status: "error" }],
            stats: { handshakeMs, scriptMs: performance.now() - t1, misses: 0 },
          };
        }
        const scriptMs = performance.now() - t1;
        const host = new SshHost(session, snapshot, limits, startedAt);
        const findings = await runChecks(checks, {
          host,
          settings: o.settings,
          hostName: target.name,
          timeoutMs: o.checkTimeoutMs,
          ...(o.baseline ? { baseline: o.baseline(target.name) } : {}),
        });
        this.#learned.set(learnedKey, unique([...requests, ...host.misses]));
        return {
          findings: [hostKeyFinding(target, outcome as PinOutcome, now()), ...findings],
          stats: { handshakeMs, scriptMs, misses: host.misses.length },
        };
      } finally {
        session.close();
      }
    });
  }
}

function unique(rs: readonly Request[]): Request[] {
  const seen = new Set<string>();
  return rs.filter((r) => {
    const k = requestKey(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The `ssh.host-key` finding for an outcome: the key, its type and how it is trusted. */
export function hostKeyFinding(target: SshTarget, o: PinOutcome, at: Date): Finding {
  const base = {
    checkId: "ssh.host-key",
    host: target.name,
    severity: "critical" as const,
    ...HOST_KEY_CHECK,
    citations: [...HOST_KEY_CHECK.citations],
    observedAt: at.toISOString(),
  };
  if (o.kind === "changed")
    return {
      ...base,
      status: "fail",
      expected: o.expected,
      actual: `presented ${o.seen.fingerprint}; connection refused`,
      details: {
        expected: o.expected,
        presented: o.seen.fingerprint,
        keyType: o.seen.keyType,
        ...(o.since ? { pinnedAt: o.since } : { source: "configured" }),
      },
    };
  const source =
    o.kind === "configured" ? "configured" : o.kind === "pinned-now" ? "pinned on first use now" : "pinned";
  return {
    ...base,
    status: "pass",
    expected: "the pinned host key",
    actual: `${o.seen.keyType} ${o.seen.fingerprint} (${source})`,
    details: {
      fingerprint: o.seen.fingerprint,
      keyType: o.seen.keyType,
      source: o.kind,
      ...(o.kind === "configured" ? {} : { pinnedAt: o.pin.pinnedAt }),
    },
  };
}

function connectionFinding(target: SshTarget, e: Error, at: Date): Finding {
  const unreachable = e instanceof SshError && e.kind === "unreachable";
  return {
    checkId: "ssh.connection",
    host: target.name,
    status: unreachable ? "unreachable" : "error",
    severity: "high",
    title: "The appliance can log in over SSH and scan",
    citations: ["§164.312(b)"],
    expected: "connected, authenticated, scanned",
    actual: e.message.slice(0, 500),
    details: { error: e.message.slice(0, 500), port: target.port, user: target.user },
    observedAt: at.toISOString(),
  };
}
