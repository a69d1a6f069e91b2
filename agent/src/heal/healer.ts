import { newIncident } from "../../../lib/incident.ts";
import { type CompiledRules, compileRules } from "../../../lib/rules/compile.ts";
import type { RunbookCatalogue, RunbookRunner } from "../../../lib/runbook-types.ts";
import type { JsonObject } from "../../../protocol/common.ts";
import type { Finding } from "../../../protocol/finding.ts";
import type { Incident } from "../../../protocol/incident.ts";
import type { PlanOutcome } from "../../../protocol/plan.ts";
import type { DecidedBy, RemediationReceipt } from "../../../protocol/receipt.ts";
import type { RuleSet } from "../../../protocol/rules.ts";
import { checkRunbookParams, type RunbookSpec } from "../../../protocol/runbook.ts";
import type { SignedEnvelope, TrustedKeys } from "../../../protocol/signed.ts";
import type { SiteConfig } from "../../../protocol/sync.ts";
import { BUILTIN_RULES } from "../../../runbooks/rules/index.ts";
import { enqueuePlanOutcome } from "../cloud-client/uploader.ts";
import { decideL1, type HostAttributes } from "./l1/decide.ts";
import { afterAttempt, entryOf } from "./l1/history.ts";
import { acceptRuleSet, type RuleSetUpdate } from "./l1/synced.ts";
import { checkPlan, gatePlan } from "./l2/check-plan.ts";
import type { PlanClient } from "./l2/client.ts";
import {
  adoptCloudResolution,
  type EscalationDeps,
  type EvidenceSink,
  escalate,
  type Outbox,
  resolveIncident,
} from "./l3/escalate.ts";
import type { Notifier } from "./l3/event.ts";
import { type FailedCycles, judgeMonitoring, MONITORING_CHECK_ID, unmonitoredFinding } from "./monitoring.ts";
import { buildReceipt } from "./receipt.ts";
import type { HealStore } from "./store.ts";
import { inWindow } from "./window.ts";

/** Local L2 policy ([heal] in the config file). */
export interface HealPolicy {
  /** Ask the cloud's L2 planner for drift no L1 rule covers. */
  l2: boolean;
  /** Lowest plan confidence applied without a person. */
  minConfidence: number;
  /** Largest runbook blast radius applied without a person. */
  maxBlastRadius: "low" | "medium" | "high";
  /** Cycles in a row with every check of a host in error before a monitoring incident opens. */
  unmonitoredAfterCycles: number;
}

/** Everything the healer is handed (I/O lives behind these). */
export interface HealerDeps {
  siteId: string;
  applianceId: string;
  store: HealStore;
  outbox: Outbox;
  evidence: EvidenceSink;
  notifiers: readonly Notifier[];
  runner: RunbookRunner;
  catalogue: RunbookCatalogue;
  /** null when the appliance has no cloud (L2 off: novel drift goes straight to L3). */
  planClient: PlanClient | null;
  /** The cloud's signing key; rule sets and plans are verified against it. */
  cloudPublicKey: TrustedKeys | null;
  hostAttributes: (host: string) => HostAttributes;
  policy: HealPolicy;
  now: () => Date;
  newId: (prefix: string) => string;
}

/** What one healing pass did. Escalations are listed apart and never counted as fixes. */
export interface HealReport {
  receipts: RemediationReceipt[];
  escalated: Incident[];
  /** Findings left alone this pass, with why (cooldown, open incident, paused…). */
  skipped: Array<{ checkId: string; host: string; why: string }>;
  fixed: { L1: number; L2: number };
}

const ACTIVE_RULES = "rules.active";
const FAILED_CYCLES = "monitoring.failed-cycles";

/**
 * The three-tier healer: L1 rules first; drift no rule covers goes to the cloud's L2 planner;
 * whatever neither may fix goes to people (L3). Every attempt leaves a receipt in the chain.
 */
export class Healer {
  private rules: CompiledRules;
  private ruleSet: RuleSet;

  constructor(private readonly d: HealerDeps) {
    const stored = d.store.get<SignedEnvelope<unknown>>(ACTIVE_RULES);
    const restored = stored && d.cloudPublicKey ? acceptRuleSet(stored, d.cloudPublicKey, -1) : null;
    this.ruleSet = restored?.ok ? restored.set : BUILTIN_RULES;
    this.rules = restored?.ok ? restored.compiled : compileRules(BUILTIN_RULES);
  }

  /** Version of the rule set in use (0: the builtin rules). */
  get rulesVersion(): number {
    return this.ruleSet.version;
  }

  /** Offer the signed rule set from a sync; it replaces the active one if newer and valid. */
  updateRules(signed: SignedEnvelope<unknown>): RuleSetUpdate {
    if (!this.d.cloudPublicKey)
      return { ok: false, reason: "rule set refused: no cloud public key configured" };
    const r = acceptRuleSet(signed, this.d.cloudPublicKey, this.ruleSet.version);
    if (r.ok) {
      this.ruleSet = r.set;
      this.rules = r.compiled;
      this.d.store.set(ACTIVE_RULES, signed);
    }
    return r;
  }

  /** A person resolves an incident (CLI or an order from the cloud). */
  resolve(id: string, person: string, resolution: string) {
    return resolveIncident(this.escalation(), id, person, resolution);
  }

  /** Heal one check cycle's findings under the site's config. */
  async heal(findings: readonly Finding[], config: SiteConfig): Promise<HealReport> {
    const report: HealReport = { receipts: [], escalated: [], skipped: [], fixed: { L1: 0, L2: 0 } };
    await this.adoptCloudResolutions();
    // Monitoring is not healing: a host nobody can check is raised even while healing is paused.
    await this.watchMonitoring(findings, report);
    for (const f of findings) {
      if (f.status === "pass") continue;
      const skip = (why: string) => report.skipped.push({ checkId: f.checkId, host: f.host, why });
      const waiver = waiverOf(config, f.checkId, this.d.now());
      if (config.healing.paused) skip("healing paused for the site");
      else if (config.disabledChecks.includes(f.checkId)) skip("check disabled for the site");
      // The clinic accepted this state (an exception in force): healing must not undo it.
      else if (waiver) skip(`waived: exception ${waiver} accepted by the clinic`);
      else if (this.d.store.openIncident(f.checkId, f.host)) skip("an open incident is with a person");
      else await this.healOne(f, config, report);
    }
    return report;
  }

  // Open a monitoring incident for a host whose checks keep erroring; close it once they run.
  private async watchMonitoring(findings: readonly Finding[], r: HealReport): Promise<void> {
    const prev = this.d.store.get<FailedCycles>(FAILED_CYCLES) ?? {};
    const verdict = judgeMonitoring(findings, prev, this.d.policy.unmonitoredAfterCycles);
    if (JSON.stringify(verdict.counts) !== JSON.stringify(prev))
      this.d.store.set(FAILED_CYCLES, verdict.counts);
    const at = this.d.now().toISOString();
    for (const u of verdict.unmonitored) {
      if (this.d.store.openIncident(MONITORING_CHECK_ID, u.host)) continue;
      const reason = `no check has run on ${u.host} for ${u.cycles} cycles: its compliance is not being monitored`;
      const { incident } = await escalate(this.escalation(), unmonitoredFinding(u, at), "L3", reason);
      r.escalated.push(incident);
    }
    for (const host of verdict.monitored) {
      const open = this.d.store.openIncident(MONITORING_CHECK_ID, host);
      if (open) await this.resolve(open.id, "malachor (automatic)", `checks ran again on ${host} at ${at}`);
    }
  }

  private escalation(): EscalationDeps {
    return {
      store: this.d.store,
      outbox: this.d.outbox,
      evidence: this.d.evidence,
      notifiers: this.d.notifiers,
      siteId: this.d.siteId,
      applianceId: this.d.applianceId,
      now: this.d.now,
      newId: () => this.d.newId("inc"),
    };
  }

  private async toPeople(
    r: HealReport,
    f: Finding,
    tier: "L1" | "L2" | "L3",
    reason: string,
    details?: JsonObject,
  ) {
    const { incident } = await escalate(this.escalation(), f, tier, reason, details);
    r.escalated.push(incident);
  }

  private runbookAllowed(config: SiteConfig, id: string): boolean {
    return config.healing.enabledRunbooks.length === 0 || config.healing.enabledRunbooks.includes(id);
  }

  private async healOne(f: Finding, config: SiteConfig, r: HealReport): Promise<void> {
    const attrs = this.d.hostAttributes(f.host);
    const now = this.d.now();
    const decision = decideL1(f, attrs, this.rules, this.d.store.history(), now.getTime());
    switch (decision.type) {
      case "escalate":
        // A rule whose action is to escalate (every threat rule) hands the drift to people: L3
        // owns it. An open circuit or flapping is L1 giving up on a fix it tried.
        return this.toPeople(r, f, decision.rule.action.type === "escalate" ? "L3" : "L1", decision.reason, {
          ruleId: decision.rule.id,
        });
      case "none":
        if (decision.reason === "cooldown") {
          r.skipped.push({ checkId: f.checkId, host: f.host, why: `rule ${decision.rule?.id} cooling down` });
          return;
        }
        if (f.status !== "fail") return; // warn/error: reported, not healed without a rule
        return this.planL2(f, attrs, config, r);
      case "runbook": {
        const spec = this.d.catalogue.get(decision.runbookId);
        const rule = decision.rule;
        if (!spec)
          return this.toPeople(
            r,
            f,
            "L1",
            `rule ${rule.id} names runbook ${decision.runbookId}, which this appliance does not carry`,
          );
        if (!this.runbookAllowed(config, spec.id)) {
          return this.toPeople(r, f, "L1", `runbook ${spec.id} is not enabled for this site`);
        }
        const bounded = checkRunbookParams(spec, decision.params);
        if (!bounded.ok) return this.toPeople(r, f, "L1", `rule ${rule.id}: ${bounded.message}`);
        if (spec.blastRadius !== "low" && !inWindow(config.maintenanceWindow, now)) {
          r.skipped.push({
            checkId: f.checkId,
            host: f.host,
            why: `${spec.id} waits for the maintenance window`,
          });
          return;
        }
        const receipt = await this.attempt(f, spec, bounded.params, config.healing.dryRun, {
          tier: "L1",
          ruleId: rule.id,
          ruleVersion: rule.version,
        });
        if (receipt === null) {
          r.skipped.push({
            checkId: f.checkId,
            host: f.host,
            why: `${spec.id} detect passes: nothing to fix`,
          });
          return;
        }
        // A dry run only starts the cooldown; it neither opens the circuit nor counts as a fix.
        const prev = entryOf(this.d.store.history(), rule.id, f.host);
        const next = receipt.dryRun
          ? { ...prev, lastAttemptAt: now.getTime() }
          : afterAttempt(prev, now.getTime(), receipt.outcome === "fixed", rule.flap.windowSec);
        this.d.store.saveHistory(rule.id, f.host, next);
        r.receipts.push(receipt);
        if (receipt.outcome === "fixed") r.fixed.L1++;
        return;
      }
    }
  }

  private async attempt(
    f: Finding,
    spec: RunbookSpec,
    params: JsonObject,
    dryRun: boolean,
    decidedBy: DecidedBy,
    incidentId?: string,
  ): Promise<RemediationReceipt | null> {
    const startedAt = this.d.now().toISOString();
    const execution = await this.d.runner
      .execute({ runbookId: spec.id, host: f.host, params, dryRun })
      .catch((e: unknown) => ({
        error: `runbook ${spec.id} on ${f.host}: ${(e as Error)?.message ?? String(e)}`,
      }));
    // Drift already gone when the runbook looked again: nothing was done, so no receipt is due.
    if ("before" in execution && execution.before.status === "pass" && !execution.after && !execution.error)
      return null;
    const receipt = buildReceipt({
      id: this.d.newId("rcpt"),
      ...(incidentId ? { incidentId } : {}),
      finding: f,
      runbookId: spec.id,
      params,
      decidedBy,
      dryRun,
      execution,
      startedAt,
      finishedAt: this.d.now().toISOString(),
    });
    this.d.evidence.append({
      kind: "remediation",
      createdAt: receipt.finishedAt,
      receipts: [receipt],
      citations: [...new Set([...spec.citations, ...f.citations])],
    });
    return receipt;
  }

  private async planL2(f: Finding, attrs: HostAttributes, config: SiteConfig, r: HealReport): Promise<void> {
    if (!this.d.policy.l2 || !this.d.planClient || !this.d.cloudPublicKey) {
      return this.toPeople(r, f, "L3", "no L1 rule covers this drift and L2 planning is off");
    }
    const allowed = this.d.catalogue
      .all()
      .filter(
        (s) => s.checkId === f.checkId && s.platform === attrs.platform && this.runbookAllowed(config, s.id),
      )
      .map((s) => s.id);
    if (allowed.length === 0) {
      return this.toPeople(r, f, "L3", `no L1 rule and no runbook on this appliance fixes ${f.checkId}`);
    }
    const draft = newIncident(f, {
      id: this.d.newId("inc"),
      applianceId: this.d.applianceId,
      tier: "L2",
      reason: "no L1 rule matched; asking the L2 planner",
      at: this.d.now().toISOString(),
    });
    const answer = await this.d.planClient.requestPlan({ incident: draft, allowedRunbooks: allowed });
    if (answer.type !== "plan") {
      const later =
        answer.type === "unavailable" ? " (escalated locally; the incident is queued for the cloud)" : "";
      return this.toPeople(r, f, "L3", `L2 unavailable: ${answer.reason}${later}`);
    }
    const checked = checkPlan(answer.signed, {
      cloudPublicKey: this.d.cloudPublicKey,
      applianceId: this.d.applianceId,
      incidentId: draft.id,
      allowed: new Set(allowed),
      catalogue: this.d.catalogue,
      nowMs: this.d.now().getTime(),
    });
    if (!checked.ok) {
      if (checked.plan)
        this.reportOutcome(checked.plan.id, {
          outcome: "not-applied",
          reason: checked.reason.slice(0, 500),
        });
      return this.toPeople(r, f, "L3", checked.reason);
    }
    const { plan, spec } = checked;
    const gate = gatePlan(checked, this.d.policy);
    if (!gate.apply || spec === null) {
      this.reportOutcome(plan.id, {
        outcome: "not-applied",
        reason: (gate.apply ? "no runbook" : gate.reason).slice(0, 500),
      });
      return this.toPeople(r, f, "L3", gate.apply ? "L2 found no runbook" : gate.reason, {
        planId: plan.id,
        proposedRunbook: plan.runbookId,
        proposedParams: plan.params,
        confidence: plan.confidence,
      });
    }
    const receipt = await this.attempt(
      f,
      spec,
      checked.params,
      config.healing.dryRun,
      { tier: "L2", planId: plan.id, planHash: checked.hash, model: plan.model },
      draft.id,
    );
    if (receipt === null) {
      this.reportOutcome(plan.id, { outcome: "not-applied", reason: "detect passed: nothing to fix" });
      r.skipped.push({ checkId: f.checkId, host: f.host, why: `${spec.id} detect passes: nothing to fix` });
      return;
    }
    r.receipts.push(receipt);
    if (receipt.outcome !== "dry-run") {
      this.reportOutcome(plan.id, { outcome: receipt.outcome, receiptId: receipt.id });
    }
    if (receipt.outcome === "fixed") r.fixed.L2++;
    else if (receipt.outcome !== "dry-run") {
      await this.toPeople(r, f, "L3", `L2 plan ${plan.id} (${spec.id}) did not fix it: ${receipt.outcome}`, {
        planId: plan.id,
        receiptId: receipt.id,
      });
    }
  }

  // Incidents people resolved in the cloud close here too; asked only while some are open.
  private async adoptCloudResolutions(): Promise<void> {
    if (!this.d.planClient || this.d.store.incidents("open").length === 0) return;
    const resolvedInCloud = await this.d.planClient.cloudResolved();
    for (const i of resolvedInCloud ?? []) await adoptCloudResolution(this.escalation(), i);
  }

  // Outcomes feed the cloud's learning loop; queued like every other message to the cloud.
  private reportOutcome(planId: string, outcome: PlanOutcome): void {
    enqueuePlanOutcome(this.d.outbox, planId, outcome);
  }
}

/** The exception in force for a check on `now`'s UTC day (its id), if the site config names one. */
export function waiverOf(config: SiteConfig, checkId: string, now: Date): string | undefined {
  const today = now.toISOString().slice(0, 10);
  return config.waivers?.find((w) => w.checkId === checkId && w.until >= today)?.exceptionId;
}
