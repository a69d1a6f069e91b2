import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Hono } from "hono";
import type { RouteDeps } from "../deps.ts";
import type { AppEnv } from "../http/env.ts";
import { serviceContext } from "../http/env.ts";
import { route } from "../http/route.ts";
import type { RunbookCatalogue } from "../tools/catalogue.ts";
import { createToolRegistry } from "../tools/registry.ts";
import { RUNBOOK_CATALOGUE } from "../tools/runbook-catalogue.ts";
import { createMcpServer } from "./server.ts";

/** Path of the MCP endpoint. */
export const MCP_PATH = "/mcp";

/**
 * Largest JSON-RPC request accepted: the transport answers 413 before parsing, by the declared
 * Content-Length or while the body streams in.
 */
export const MCP_MAX_BODY = 64 * 1024;

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
    async (c) => {
      const ctx = { ...serviceContext(c, deps), catalogue };
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
        return await transport.handleRequest(c.req.raw);
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
      (c) =>
        c.json(
          {
            jsonrpc: "2.0",
            error: { code: -32000, message: "method not allowed: this MCP endpoint is stateless; use POST" },
            id: null,
          },
          405,
          { allow: "POST" },
        ),
    );
  }
}
