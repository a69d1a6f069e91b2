import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { RouteDeps } from "../deps.ts";
import { readJsonValue } from "../http/body.ts";
import type { AppEnv } from "../http/env.ts";
import { ApiError } from "../http/errors.ts";
import { route } from "../http/route.ts";
import type { RunbookCatalogue } from "../tools/catalogue.ts";
import { createToolRegistry } from "../tools/registry.ts";
import { RUNBOOK_CATALOGUE } from "../tools/runbook-catalogue.ts";
import { createMcpServer } from "./server.ts";

/** Path of the MCP endpoint. */
export const MCP_PATH = "/mcp";

/** Largest JSON-RPC request accepted (413 by the declared Content-Length or the bytes received). */
export const MCP_MAX_BODY = 64 * 1024;

/** A JSON-RPC error answer (what MCP clients read), with the HTTP status of our body checks. */
function jsonRpcError(c: Context, status: ContentfulStatusCode, code: number, message: string): Response {
  return c.json({ jsonrpc: "2.0", error: { code, message }, id: null }, status);
}

/**
 * POST /mcp: the Model Context Protocol over Streamable HTTP, stateless (every request carries
 * the bearer admin token; no server-side session). GET and DELETE (the optional SSE stream and
 * session end) are answered 405, as the specification allows for servers without sessions.
 */
export function registerMcp(
  app: Hono<AppEnv>,
  deps: RouteDeps,
  catalogue: RunbookCatalogue = RUNBOOK_CATALOGUE,
): void {
  const registry = createToolRegistry(catalogue);
  route(
    app,
    deps,
    {
      method: "post",
      path: MCP_PATH,
      summary: "Model Context Protocol (Streamable HTTP)",
      auth: { admin: "read-only" },
    },
    async ({ c, ctx: caller }) => {
      // The one strict reader REST bodies use (415, 413; invalid UTF-8, duplicate keys, deep
      // nesting → 400), so the transport never decodes bytes itself (it would turn invalid UTF-8
      // into U+FFFD and pass it on to the tools).
      let parsedBody: unknown;
      try {
        parsedBody = await readJsonValue(c, MCP_MAX_BODY);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        return jsonRpcError(c, e.status, e.status === 400 ? -32700 : -32000, e.message);
      }
      const ctx = { ...caller, catalogue };
      const server = createMcpServer(ctx, registry);
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
        maxRequestBodySize: MCP_MAX_BODY,
        // The spec asks servers to check Origin against DNS rebinding: a browser page may only
        // call from the cloud's own origin (desktop clients send no Origin).
        enableDnsRebindingProtection: true,
        allowedOrigins: [new URL(deps.config.publicUrl).origin],
      });
      await server.connect(transport);
      try {
        return await transport.handleRequest(c.req.raw, { parsedBody });
      } finally {
        await server.close();
      }
    },
  );
  for (const method of ["get", "delete"] as const) {
    route(
      app,
      deps,
      {
        method,
        path: MCP_PATH,
        summary: "Not offered: the MCP endpoint is stateless (POST only)",
        auth: { admin: "read-only" },
      },
      ({ c }) => {
        c.header("allow", "POST");
        return jsonRpcError(c, 405, -32000, "method not allowed: this MCP endpoint is stateless; use POST");
      },
    );
  }
}
