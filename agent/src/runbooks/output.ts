/**
 * Reading a runbook script's result: the last non-empty stdout line must be one JSON object of
 * the step's shape (runbooks/README.md). Anything else is a RunbookStepError naming the step.
 */
import * as v from "valibot";
import { JsonObject } from "../../../protocol/common.ts";
import type { ScriptRun } from "./executor.ts";

export const CheckOutput = v.object({
  status: v.picklist(["pass", "fail", "warn"]),
  expected: v.optional(v.nullable(v.string())),
  actual: v.optional(v.nullable(v.string())),
  details: v.optional(JsonObject),
});
export type CheckOutput = v.InferOutput<typeof CheckOutput>;

export const RemediateOutput = v.object({ changed: v.boolean(), details: v.optional(JsonObject) });
export type RemediateOutput = v.InferOutput<typeof RemediateOutput>;

export const RollbackOutput = v.object({ restored: v.boolean(), details: v.optional(JsonObject) });
export type RollbackOutput = v.InferOutput<typeof RollbackOutput>;

export type Step = "detect" | "remediate" | "verify" | "rollback";

/** A script failed or printed no readable result. */
export class RunbookStepError extends Error {
  override name = "RunbookStepError";
  constructor(
    readonly step: Step,
    readonly runbookId: string,
    readonly host: string,
    readonly exitCode: number,
    readonly stderr: string,
    message: string,
  ) {
    super(message);
  }
}

/** Last 300 characters of stderr on one line (what a technician needs to see). */
export function excerpt(s: string, max = 300): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > max ? `…${one.slice(-max)}` : one;
}

/** Parse a step's result, or throw RunbookStepError. */
export function readStep<S extends v.GenericSchema>(
  schema: S,
  step: Step,
  runbookId: string,
  host: string,
  r: ScriptRun,
): v.InferOutput<S> {
  const where = `runbook ${runbookId} on ${host}: ${step}`;
  const fail = (why: string) =>
    new RunbookStepError(step, runbookId, host, r.exitCode, r.stderr, `${where} ${why}`);
  if (r.exitCode !== 0) throw fail(`exited ${r.exitCode}${r.stderr.trim() ? `: ${excerpt(r.stderr)}` : ""}`);
  const last =
    r.stdout
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? "";
  let json: unknown;
  try {
    json = JSON.parse(last);
  } catch {
    throw fail(`printed no JSON result on its last line (got "${excerpt(last, 120)}")`);
  }
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0] as v.BaseIssue<unknown>;
    throw fail(`result is malformed: ${v.getDotPath(issue) ?? "result"}: ${issue.message}`);
  }
  return parsed.output;
}
