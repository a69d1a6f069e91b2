import * as v from "valibot";
import type { Json } from "../../../protocol/common.ts";
import { describeIssues } from "../../../protocol/common.ts";
import { PlannerReply } from "../../../protocol/plan.ts";
import { checkRunbookParams, type RunbookSpec } from "../../../protocol/runbook.ts";
import { findDangerous } from "./dangerous.ts";
import { toolName } from "./prompt.ts";
import type { ChatAnswer } from "./provider.ts";

/** The model's answer after validation: a bounded runbook choice, "none", or a refusal with why. */
export type ReadReply =
  | { ok: true; reply: PlannerReply; spec: RunbookSpec | null; params: Record<string, Json> }
  | { ok: false; reason: string };

function parseJson(text: string): unknown {
  // Models sometimes wrap JSON in a Markdown fence; anything else around it is refused.
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return JSON.parse(fenced ? fenced[1]! : text);
}

/**
 * Validate what the model answered (never trusting it): valibot PlannerReply, a runbook on the
 * incident's allow-list, parameters within the runbook's bounds, and no dangerous text anywhere.
 */
export function readReply(answer: ChatAnswer, allowed: readonly RunbookSpec[]): ReadReply {
  const raw = answer.kind === "tool" ? answer.arguments : answer.content;
  if (answer.kind === "text" && raw === "__multiple_tool_calls__")
    return { ok: false, reason: "the model called more than one tool" };
  const danger = findDangerous(raw);
  if (danger.length)
    return { ok: false, reason: `the reply contains dangerous content (${danger.join(", ")})` };
  let candidate: unknown;
  try {
    candidate = parseJson(raw);
  } catch {
    return { ok: false, reason: "the reply is not JSON" };
  }
  let spec: RunbookSpec | null = null;
  if (answer.kind === "tool") {
    spec = allowed.find((r) => toolName(r.id) === answer.name) ?? null;
    if (!spec)
      return {
        ok: false,
        reason: `the model called "${answer.name.slice(0, 80)}", which is not an allowed runbook`,
      };
    if (candidate === null || typeof candidate !== "object" || Array.isArray(candidate)) {
      return { ok: false, reason: "the tool arguments are not an object" };
    }
    candidate = { ...(candidate as object), runbookId: spec.id };
  }
  const parsed = v.safeParse(PlannerReply, candidate);
  if (!parsed.success)
    return { ok: false, reason: `the reply does not match PlannerReply: ${describeIssues(parsed.issues)}` };
  const reply = parsed.output;
  if (reply.runbookId === null) return { ok: true, reply, spec: null, params: {} };
  spec ??= allowed.find((r) => r.id === reply.runbookId) ?? null;
  if (!spec)
    return { ok: false, reason: `runbook ${reply.runbookId} is not on the allow-list for this incident` };
  const bounded = checkRunbookParams(spec, reply.params);
  if (!bounded.ok) return { ok: false, reason: bounded.message };
  return { ok: true, reply, spec, params: bounded.params };
}
