import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { Layout } from "../../../lib/ui/layout.tsx";
import { ValidationError } from "../../../protocol/common.ts";
import { ApiError } from "../http/errors.ts";
import type { Logger } from "../logger.ts";

/** An error shown to a person as a page: status, a title, and a sentence saying what to do. */
export class WebError extends Error {
  override name = "WebError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    message: string,
    /** The next step, shown first as a link (an expired sign-in link leads with asking for a new one). */
    readonly next?: { href: string; label: string },
  ) {
    super(message);
  }
}

/** The one 404 of the web area: the same page whether a thing is missing or belongs to someone else. */
export const pageNotFound = () =>
  new WebError(404, "Not found", "There is nothing here, or you do not have access to it.");

/** Render any error thrown in the web area as an HTML page (services' ApiErrors keep their status). */
export function webErrorPage(err: unknown, c: Context, logger: Logger): Response | Promise<Response> {
  let e: WebError;
  if (err instanceof WebError) e = err;
  else if (err instanceof ApiError) {
    if (err.opts.retryAfterSec !== undefined) c.header("Retry-After", String(err.opts.retryAfterSec));
    // A 403 on someone else's object is a 404 here: the web never confirms what exists elsewhere.
    e =
      err.status === 404
        ? pageNotFound()
        : new WebError(err.status, err.status === 429 ? "Slow down" : "Not done", err.message);
  } else if (err instanceof ValidationError) e = new WebError(400, "Please check the form", err.message);
  else {
    const requestId = (c.get("requestId" as never) as string | undefined) ?? "";
    logger.error("web: unhandled error", {
      requestId,
      path: c.req.path,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    e = new WebError(
      500,
      "Something went wrong",
      `Internal error; request id ${requestId} identifies it in the logs.`,
    );
  }
  const home = c.req.path.startsWith("/portal") ? "/portal" : "/dashboard";
  return c.html(
    <Layout title={e.title} audience={home === "/portal" ? "Client portal" : "MSP dashboard"} home={home}>
      <div class="card" role="alert" data-testid="error">
        <h1>{e.title}</h1>
        {e.next ? (
          <p>
            <a href={e.next.href} data-testid="error-next">
              <strong>{e.next.label}</strong>
            </a>
          </p>
        ) : null}
        <p>{e.message}</p>
        <p>
          <a href={home}>Back to the start page</a>
        </p>
      </div>
    </Layout>,
    e.status,
  );
}
