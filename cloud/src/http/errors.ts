import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ValidationError } from "../../../protocol/common.ts";
import { StrictJsonError } from "../../../protocol/strict-json.ts";
import type { Logger } from "../logger.ts";

/**
 * An error meant for the API caller: HTTP status, a stable code, a message a technician can act
 * on, and whether retrying can help.
 */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly opts: { retryable?: boolean; retryAfterSec?: number; details?: Record<string, unknown> } = {},
  ) {
    super(message);
  }
}

/** Shorthands for the common cases. */
export const badRequest = (msg: string, details?: Record<string, unknown>) =>
  new ApiError(400, "bad_request", msg, { details });
export const unauthorized = (msg: string) => new ApiError(401, "unauthorized", msg);
export const forbidden = (msg: string) => new ApiError(403, "forbidden", msg);
export const notFound = (msg: string) => new ApiError(404, "not_found", msg);
export const conflict = (msg: string, details?: Record<string, unknown>) =>
  new ApiError(409, "conflict", msg, { details });

/** The one error envelope every route answers with. */
export interface ErrorEnvelope {
  error: {
    code: string;
    message: string;
    retryable: boolean;
    requestId: string;
    details?: Record<string, unknown>;
  };
}

/** Map any thrown error to the envelope (the app's only onError handler). */
export function errorResponse(err: unknown, c: Context, logger: Logger): Response {
  const requestId = (c.get("requestId" as never) as string | undefined) ?? "";
  let e: ApiError;
  if (err instanceof ApiError) e = err;
  else if (err instanceof ValidationError || err instanceof StrictJsonError) e = badRequest(err.message);
  else if (err instanceof HTTPException && err.status < 500) {
    e = new ApiError(err.status as ContentfulStatusCode, "http_error", err.message || "request refused");
  } else {
    logger.error("unhandled error", {
      requestId,
      path: c.req.path,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    e = new ApiError(500, "internal", "internal error; the request id identifies it in the logs", {
      retryable: true,
    });
  }
  if (e.opts.retryAfterSec !== undefined) c.header("Retry-After", String(e.opts.retryAfterSec));
  const body: ErrorEnvelope = {
    error: {
      code: e.code,
      message: e.message,
      retryable: e.opts.retryable ?? (e.status === 429 || e.status >= 500),
      requestId,
      ...(e.opts.details ? { details: e.opts.details } : {}),
    },
  };
  return c.json(body, e.status);
}
