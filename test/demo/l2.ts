/**
 * The demo's L2 story: the cloud runs its planning broker in front of a scripted model on loopback,
 * and a drift no L1 rule fixes — the clinic file server's last backup going stale — is driven
 * through the real path until the learning loop proposes the fix as an L1 rule: the appliance sends
 * the scrubbed incident, the cloud asks the model (the runbooks as its only tools) and signs the
 * plan, the appliance re-checks it, runs runbook windows.backup (detect → wbadmin → verify), chains
 * the receipt and reports the outcome; after enough verified fixes the pattern is a promotion
 * candidate on the dashboard's learning page.
 */
import { randomBytes } from "node:crypto";
import * as v from "valibot";
import { toolName } from "../../cloud/src/plan/prompt.ts";
import { type Completion, type LlmRequest, startLlmServer } from "../../cloud/src/plan/testing/llm-server.ts";
import { askForCycle } from "../e2e/harness/agent.ts";
import type { Stack } from "../e2e/harness/stack.ts";
import { waitFor } from "../e2e/harness/wait.ts";
import { dashboardSession } from "../e2e/harness/web.ts";
import { fixesIn, type ObservedFix, tableRowsOnPage } from "./watch.ts";

/** The check that drifts and the runbook the model plans for it (no L1 rule names it). */
export const L2_CHECK = "windows.backup";
export const L2_RUNBOOK = "windows.backup";

/**
 * Verified L2 fixes of one pattern after which it becomes a promotion candidate: the cloud's
 * default (LEARNING_MIN_SUCCESSES, cloud/src/learning/settings.ts), passed explicitly so the demo
 * knows how many rounds to drive.
 */
export const PROMOTION_AFTER = 5;

const MODEL = "scripted-llm-1";

// What the model reads of a runbook tool: the defaults of its bounded parameters.
const ToolParameters = v.object({
  properties: v.object({
    params: v.object({ properties: v.record(v.string(), v.object({ default: v.optional(v.unknown()) })) }),
  }),
});

/**
 * The demo's scripted model: for the stale-backup incident it calls the windows.backup tool with
 * the parameter defaults the tool offers, confident and without asking for review (the runbook's
 * blast radius is low, so the plan is auto-applied); for any other incident it declines, as the
 * system prompt tells a model to, and the appliance raises that drift to a person.
 */
export function scriptedModel(req: LlmRequest): Completion {
  const name = toolName(L2_RUNBOOK);
  const tool = req.tools?.find((t) => t.function.name === name);
  const schema = tool ? v.safeParse(ToolParameters, tool.function.parameters) : undefined;
  if (!schema?.success) {
    return {
      content: JSON.stringify({
        runbookId: null,
        params: {},
        confidence: 0,
        reasoning: "the demo's scripted model plans only the file server's stale backup",
        requiresHumanReview: true,
      }),
    };
  }
  const params = Object.fromEntries(
    Object.entries(schema.output.properties.params.properties).map(([k, p]) => [k, p.default]),
  );
  return {
    tool: name,
    args: {
      params,
      confidence: 0.92,
      reasoning:
        "No successful backup within the allowed age: a one-off wbadmin backup to the configured target.",
      requiresHumanReview: false,
    },
  };
}

/** The scripted model on a loopback port and the cloud variables that turn the planner on. */
export interface DemoPlanner {
  /** L2_LLM_URL, L2_LLM_API_KEY, L2_LLM_MODEL and LEARNING_MIN_SUCCESSES for the cloud. */
  env: Record<string, string>;
  /** Completions the model was asked for. */
  requests: number;
  stop(): void;
}

/** Start the scripted model (in this process, on 127.0.0.1). */
export function startDemoPlanner(): DemoPlanner {
  const llm = startLlmServer([], scriptedModel);
  return {
    env: {
      L2_LLM_URL: llm.url,
      L2_LLM_API_KEY: `sk-demo-${randomBytes(12).toString("hex")}`,
      L2_LLM_MODEL: MODEL,
      LEARNING_MIN_SUCCESSES: String(PROMOTION_AFTER),
    },
    get requests() {
      return llm.requests.length;
    },
    stop: () => llm.stop(),
  };
}

/** A promotion candidate as the dashboard's learning page lists it. */
export interface ListedCandidate {
  pattern: string;
  runbookId: string;
  checkId: string;
  successes: number;
  failures: number;
}

/** The candidates table of the learning page (empty when the page shows its empty state). */
export function candidatesOnPage(html: string): ListedCandidate[] {
  return tableRowsOnPage(html, "candidates", '<tr data-pattern="').flatMap((row) => {
    const pattern = row.slice(0, row.indexOf('"'));
    const fix = /<span class="mono">([^<]+)<\/span>\s*for\s*<span class="mono">([^<]+)<\/span>/.exec(row);
    const n = /(\d+) ok \/ (\d+) failed/.exec(row);
    return fix && n
      ? [
          {
            pattern,
            runbookId: fix[1] as string,
            checkId: fix[2] as string,
            successes: Number(n[1]),
            failures: Number(n[2]),
          },
        ]
      : [];
  });
}

/** The file server's state with its last successful backup 16 days back (the check allows 7). */
export function staleBackup(now = Date.now()): Record<string, unknown> {
  return { backup: { lastSuccessfulBackupTime: new Date(now - 16 * 86_400_000).toISOString() } };
}

/** What driving the L2 story came to. */
export type L2Outcome =
  | { ok: true; candidate: ListedCandidate; fixes: ObservedFix[]; summary: string }
  | { ok: false; why: string };

/**
 * Drive the stale backup through L2 `PROMOTION_AFTER` times (each round: drift, ask the appliance
 * for a cycle, wait for the verified L2 receipt in the cloud's evidence), then wait for the
 * candidate on the learning page.
 * `say` prints a line; `describeFix`, when given, prints each fix's receipt. Never throws.
 */
export async function driveToPromotion(o: {
  stack: Stack;
  intervalSec: number;
  say: (line: string) => void;
  describeFix?: (f: ObservedFix) => string;
}): Promise<L2Outcome> {
  const { stack, say } = o;
  const l2Fixes = async () =>
    fixesIn(await stack.cloud.text(`/api/sites/${stack.siteId}/evidence/export`)).filter(
      (f) => f.receipt.checkId === L2_CHECK && f.receipt.decidedBy.tier === "L2",
    );
  const learningUrl = `${stack.cloud.url}/dashboard/learning`;
  // Each round asks the appliance to run its cycle now (its local API, as the status page's button
  // does) rather than waiting out the interval, again while the round's outcome is not there yet.
  let nudged = 0;
  const nudge = async () => {
    if (Date.now() - nudged < 3_000) return;
    nudged = Date.now();
    await askForCycle(stack.agent.statusUrl);
  };
  const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number) =>
    waitFor(
      what,
      async () => {
        const found = await probe();
        if (found === undefined) await nudge();
        return found;
      },
      { timeoutMs, intervalMs: 1000 },
    );
  try {
    const admin = await dashboardSession(stack.cloud.url, stack.cloud.adminToken);
    const seen = new Set((await l2Fixes()).map((f) => f.receipt.id));
    const fixes: ObservedFix[] = [];
    for (let round = 1; round <= PROMOTION_AFTER; round++) {
      await stack.patchWindows(staleBackup());
      nudged = 0;
      say(
        `L2 round ${round}/${PROMOTION_AFTER}: the file server's last backup is now 16 days old (${L2_CHECK}; no L1 rule covers it)`,
      );
      const fix = await until(
        `L2 fix ${round} of ${L2_CHECK} verified in the evidence`,
        async () => (await l2Fixes()).find((f) => !seen.has(f.receipt.id)),
        (o.intervalSec * 2 + 60) * 1000,
      );
      seen.add(fix.receipt.id);
      fixes.push(fix);
      const by = fix.receipt.decidedBy;
      say(
        `L2 round ${round}/${PROMOTION_AFTER}: plan ${by.tier === "L2" ? by.planId : "?"} signed by the cloud (model ${by.tier === "L2" ? by.model : "?"}, auto-applied: blast radius low) → runbook ${fix.receipt.runbookId} ${JSON.stringify(fix.receipt.params)}, verify ${fix.receipt.verify}`,
      );
      if (o.describeFix) say(o.describeFix(fix));
    }
    const candidate = await until(
      "the promotion candidate on the dashboard's learning page",
      async () =>
        candidatesOnPage((await admin.get("/dashboard/learning")).html).find(
          (c) => c.runbookId === L2_RUNBOOK && c.checkId === L2_CHECK,
        ),
      (o.intervalSec * 2 + 30) * 1000,
    );
    const summary = `promotion candidate on the learning page: runbook ${candidate.runbookId} for ${candidate.checkId} (${candidate.successes} ok / ${candidate.failures} failed L2 fixes) — ${learningUrl} (an MSP admin approves it as an L1 rule)`;
    say(summary);
    return { ok: true, candidate, fixes, summary };
  } catch (e) {
    const why = `L2 → promotion: ${(e as Error)?.message ?? String(e)}`;
    say(why);
    return { ok: false, why };
  }
}
