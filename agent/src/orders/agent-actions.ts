import type { Database } from "bun:sqlite";
import type { RunbookCatalogue, RunbookRunner } from "../../../lib/runbook-types.ts";
import type { JsonObject } from "../../../protocol/common.ts";
import type { Finding } from "../../../protocol/finding.ts";
import type { RuleSet } from "../../../protocol/rules.ts";
import { checkRunbookParams } from "../../../protocol/runbook.ts";
import { verifyTrusted } from "../../../protocol/signed.ts";
import { DEFAULT_SITE_CONFIG } from "../../../protocol/sync.ts";
import { WINDOWS_CHECKS } from "../../../runbooks/index.ts";
import type { CloudClient } from "../cloud-client/client.ts";
import type { Config } from "../config/schema.ts";
import type { CheckProvider, Healer } from "../daemon/providers.ts";
import { acceptSiteConfig } from "../daemon/site-config.ts";
import { SNAPSHOT_META } from "../daemon/state.ts";
import type { ChainStore } from "../evidence/chain-store.ts";
import type { Identity } from "../evidence/identity.ts";
import { buildReceipt } from "../heal/receipt.ts";
import { getMeta } from "../queue/db.ts";
import type { Queue } from "../queue/queue.ts";
import { acceptBaseline, BaselineError } from "../runbooks/baseline-accept.ts";
import { sqliteBaselines } from "../runbooks/baselines.ts";
import type { RunbookExecutor } from "../runbooks/executor.ts";
import { cloudTrust } from "../trust/cloud-keys.ts";
import type { UpdateAgent } from "../update/update-agent.ts";
import { AGENT_VERSION } from "../version.ts";
import { type OrderActions, OrderFailed } from "./actions.ts";

/** The running daemon's parts the order actions act through (the same ones its loop uses). */
export interface OrderActionParts {
  config: Config;
  /** null without an API key (sync_rules needs the cloud). */
  client: CloudClient | null;
  db: Database;
  queue: Queue;
  chain: ChainStore;
  identity: Identity;
  hostName: string;
  /** The daemon's check providers for run_check (Linux checks, Windows hosts over the shared executors). */
  providers: readonly CheckProvider[];
  /** The daemon's runbook runner (over the same executors) and the catalogue bounding parameters. */
  runbooks: { runner: RunbookRunner; catalogue: RunbookCatalogue } | null;
  /** The daemon's healer: sync_rules hands it the verified rule set at once. */
  healer: Healer | undefined;
  update: UpdateAgent | null;
  /** The daemon's executor for a configured Windows host (accept_baseline asks the host). */
  windowsExecutor?: (host: string) => RunbookExecutor | undefined;
}

function summarize(findings: readonly Finding[]): JsonObject {
  const counts = { pass: 0, fail: 0, warn: 0, error: 0, unreachable: 0 };
  for (const f of findings) counts[f.status]++;
  return {
    ...counts,
    findings: findings.slice(0, 200).map((f) => ({
      checkId: f.checkId,
      host: f.host,
      status: f.status,
      ...(f.actual === undefined ? {} : { actual: f.actual }),
    })),
  };
}

/** The order actions over the daemon's parts. */
export function orderActions(parts: OrderActionParts): OrderActions {
  const { config, client, runbooks, update, healer } = parts;
  const started = Date.now();
  return {
    async run_check(p) {
      const ctx = {
        siteConfig: DEFAULT_SITE_CONFIG,
        disabled: new Set<string>(),
        timeoutMs: config.checks.timeout_sec * 1000,
        signal: new AbortController().signal,
        onDemand: true,
      };
      const all = (await Promise.all(parts.providers.map((pr) => pr.collect(ctx)))).flat();
      const wanted = p.checkIds && p.checkIds.length > 0 ? new Set(p.checkIds) : null;
      const findings = wanted ? all.filter((f) => wanted.has(f.checkId)) : all;
      if (wanted && findings.length === 0) {
        throw new OrderFailed(`no check on this appliance has the id(s) ${[...wanted].join(", ")}`);
      }
      return summarize(findings);
    },
    async run_runbook(p, order) {
      if (!runbooks) throw new OrderFailed("this appliance has no runbook runner configured");
      const spec = runbooks.catalogue.get(p.runbookId);
      if (!spec) throw new OrderFailed(`runbook ${p.runbookId} is not in this appliance's catalogue`);
      const params = checkRunbookParams(spec, p.params ?? {});
      if (!params.ok) throw new OrderFailed(params.message);
      const startedAt = new Date().toISOString();
      const r = await runbooks.runner.execute({
        runbookId: p.runbookId,
        host: p.host,
        params: params.params,
        dryRun: false,
      });
      // Every healing attempt leaves a receipt; here a person decided, through a signed order.
      const receipt = buildReceipt({
        id: `rcpt-${order.nonce.slice(0, 16)}`,
        finding: {
          checkId: spec.checkId,
          host: p.host,
          status: r.before.status,
          severity: spec.severity,
          title: spec.title,
          citations: spec.citations,
          details: {},
          observedAt: startedAt,
        },
        runbookId: spec.id,
        params: params.params,
        decidedBy: { tier: "L3", person: order.issuedBy, orderId: order.id },
        dryRun: false,
        execution: r,
        startedAt,
        finishedAt: new Date().toISOString(),
      });
      parts.chain.append({
        kind: "remediation",
        createdAt: receipt.finishedAt,
        receipts: [receipt],
        citations: spec.citations,
      });
      const result: JsonObject = {
        runbookId: p.runbookId,
        host: p.host,
        before: r.before.status,
        after: r.after?.status ?? null,
        rollback: r.rollback ? { attempted: r.rollback.attempted, ok: r.rollback.ok } : null,
      };
      if (r.error) throw new OrderFailed(r.error, result);
      if (r.after && r.after.status !== "pass")
        throw new OrderFailed(`verify after remediation: ${r.after.status}`, result);
      return result;
    },
    async sync_rules() {
      if (!client) throw new OrderFailed("no cloud client (no API key)");
      const res = await client.sync();
      const trust = cloudTrust(config, parts.db);
      const cfg = acceptSiteConfig(res.config, trust);
      if (!cfg.ok) throw new OrderFailed(`synced site config refused: ${cfg.reason}`);
      if (!healer?.updateRules) {
        const sig = verifyTrusted(res.rules, trust ?? "");
        if (!sig.ok) throw new OrderFailed(`synced rule set refused: ${sig.reason}`);
        throw new OrderFailed("no healer on this appliance to apply the rule set to", {
          configVersion: cfg.config.version,
          rulesVersion: (res.rules.payload as RuleSet).version,
        });
      }
      // The healer verifies the cloud's signature again and refuses an older set (replay).
      const r = healer.updateRules(res.rules) ?? { ok: false, reason: "the healer gave no answer" };
      const result = {
        configVersion: cfg.config.version,
        rulesVersion: healer.rulesVersion ?? 0,
        applied: r.ok,
      };
      if (r.ok) return result;
      if (!r.unchanged) throw new OrderFailed(r.reason, result);
      return { ...result, note: r.reason };
    },
    async update_agent() {
      if (!update)
        throw new OrderFailed(
          "remote update is off on this appliance (not the compiled binary, or no cloud key)",
        );
      const r = await update.checkNow();
      if (r.status === "failed" || r.status === "rolled-back") throw new OrderFailed(r.reason, { ...r });
      if (r.status === "skipped" && r.code !== "not-newer") throw new OrderFailed(r.reason, { ...r });
      return { running: AGENT_VERSION, ...r };
    },
    async collect_diagnostics() {
      const snapshot = getMeta(parts.db, SNAPSHOT_META);
      const q = parts.queue.stats();
      const upd = update?.updater.finding(parts.hostName);
      return {
        agentVersion: AGENT_VERSION,
        processUptimeSec: Math.floor((Date.now() - started) / 1000),
        platform: `${process.platform}-${process.arch}`,
        bun: Bun.version,
        siteId: config.appliance.site_id,
        applianceId: config.appliance.appliance_id,
        keyId: parts.identity.keyId,
        chain: { ...parts.chain.head() },
        queue: {
          depth: q.depth,
          bytes: q.bytes,
          maxBytes: q.maxBytes,
          oldestAgeSec: q.oldestAgeSec,
          nearBound: q.nearBound,
        },
        windowsHosts: config.windows.hosts.map((h) => `${h.host}:${h.port}`),
        checkIntervalSec: config.checks.interval_sec,
        update: upd ? { status: upd.status, detail: upd.actual ?? "" } : "off",
        lastStatus: snapshot ? (JSON.parse(snapshot) as JsonObject) : null,
      };
    },
    async accept_baseline(p) {
      // The same host name the daemon's scan keys baselines by (the config's entry).
      const host = config.windows.hosts.find((h) => h.host.toLowerCase() === p.host.toLowerCase())?.host;
      if (!host) throw new OrderFailed(`${p.host} is not a Windows host of this appliance`);
      const executor = parts.windowsExecutor?.(host);
      try {
        const done = await acceptBaseline({
          store: sqliteBaselines(parts.db),
          checks: WINDOWS_CHECKS,
          host,
          checkId: p.checkId,
          ...(p.items ? { items: p.items } : {}),
          ...(executor ? { executor } : {}),
          timeoutMs: config.checks.timeout_sec * 1000 * 3,
        });
        return { ...done };
      } catch (e) {
        if (e instanceof BaselineError) throw new OrderFailed(e.message);
        throw e;
      }
    },
  };
}
