import * as v from "valibot";
import { describeIssues } from "../../../protocol/common.ts";
import { writeAudit } from "../audit/audit.ts";
import { assertFleetWide, assertSiteAccess, roleAtLeast } from "../auth/permissions.ts";
import { ApiError, badRequest, forbidden } from "../http/errors.ts";
import { enforce } from "../ratelimit/limiter.ts";
import { MAX_ARGUMENT_DEPTH, nestedDeeperThan } from "./nesting.ts";
import type { ToolContext, ToolDef } from "./tool.ts";

/** The outcome of one tool call: the validated output, or an error meant for the caller. */
export type ToolOutcome = { ok: true; output: unknown } | { ok: false; error: ApiError };

/** Rate-limit bucket of a site's state-changing tool calls (shared by every cloud instance). */
export function changeBucket(siteId: string): string {
  return `tool-change:${siteId}`;
}

/**
 * Call one tool as `ctx.actor`: role, argument validation (naming the field), site scope, the
 * per-site budget of state-changing calls, the tool itself and a check of its output against the
 * declared schema. Every call, refused or not, leaves an audit row (token, tool, hash of the
 * arguments, outcome). Errors come back as values so a transport can map them; unexpected ones
 * are logged and answered as a retryable internal error without their details.
 */
export async function callTool(ctx: ToolContext, tool: ToolDef, rawArgs: unknown): Promise<ToolOutcome> {
  let siteId: string | undefined;
  const tooDeep = nestedDeeperThan(rawArgs, MAX_ARGUMENT_DEPTH);
  const audit = (outcome: "ok" | "denied" | "failed") =>
    writeAudit(ctx.db, ctx, {
      action: `tool.${tool.name}`,
      target: siteId ?? tool.name,
      siteId: siteId ?? null,
      args: tooDeep ? { refused: `nested deeper than ${MAX_ARGUMENT_DEPTH} levels` } : (rawArgs ?? null),
      outcome,
    });
  try {
    if (tooDeep)
      throw badRequest(`invalid arguments for ${tool.name}: nested deeper than ${MAX_ARGUMENT_DEPTH} levels`);
    const actor = ctx.actor;
    if (actor.type === "appliance") throw forbidden(`tool ${tool.name} needs an admin token`);
    if (actor.type === "admin" && !roleAtLeast(actor.role, tool.minRole)) {
      throw forbidden(
        `tool ${tool.name} needs role ${tool.minRole} or above; token "${actor.name}" has ${actor.role}`,
      );
    }
    if (tool.fleetOnly) assertFleetWide(actor);
    const parsed = v.safeParse(tool.input, rawArgs ?? {});
    if (!parsed.success) {
      throw badRequest(`invalid arguments for ${tool.name}: ${describeIssues(parsed.issues)}`);
    }
    siteId = tool.siteOf?.(parsed.output);
    if (siteId !== undefined) assertSiteAccess(actor, siteId);
    if (tool.kind === "change") {
      if (siteId === undefined) throw new Error(`tool ${tool.name} changes state but names no site`);
      await enforce(
        ctx.db,
        ctx.clock,
        changeBucket(siteId),
        ctx.config.rateLimits.remediationOrders,
        `state-changing tool calls for site ${siteId}`,
      );
    }
    const output = await tool.run({ ctx, input: parsed.output });
    const checked = v.safeParse(tool.output, output);
    if (!checked.success) {
      throw new Error(
        `tool ${tool.name} produced output outside its schema: ${describeIssues(checked.issues)}`,
      );
    }
    await audit("ok");
    return { ok: true, output: checked.output };
  } catch (e) {
    if (!(e instanceof ApiError)) {
      // A bug or an outage, not the caller's fault: the details go to the log, never to the client.
      ctx.logger.error("tool failed", {
        requestId: ctx.requestId,
        tool: tool.name,
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
        stack: e instanceof Error ? e.stack : undefined,
      });
      await audit("failed");
      return {
        ok: false,
        error: new ApiError(
          500,
          "internal",
          `tool ${tool.name} failed; request id ${ctx.requestId ?? "-"} identifies it in the logs`,
          {
            retryable: true,
          },
        ),
      };
    }
    await audit(
      e.status === 401 || e.status === 403 || e.status === 429 || e.status === 400 ? "denied" : "failed",
    );
    return { ok: false, error: e };
  }
}
