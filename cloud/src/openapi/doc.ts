import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import type { Role } from "../actor.ts";

/** Who may call a route: nobody needs a key, an appliance key, or an admin token of at least a role. */
export type RouteAuth = "none" | "appliance" | { admin: Role; siteParam?: string } | "enroll-code" | "portal";

/** A valibot object schema of named string inputs (path or query parameters). */
export type ParamsSchema = v.GenericSchema<Record<string, string | undefined>, unknown> & {
  entries: Record<string, v.GenericSchema>;
};

/**
 * One documented route (Hono path syntax, `:name` parameters). `route()` validates exactly these
 * schemas before the handler runs, so what is documented is what is enforced.
 */
export interface RouteDoc {
  method: "get" | "post" | "put" | "delete";
  path: string;
  summary: string;
  auth: RouteAuth;
  /** valibot schema of the path parameters: one entry per `:name` in the path (checked at registration). */
  params?: ParamsSchema;
  /** valibot schema of the query parameters (unknown ones are ignored). */
  query?: ParamsSchema;
  /** valibot schema of the JSON body (the protocol's, never restated). */
  body?: v.GenericSchema;
  /** Largest body accepted, in bytes (256 KiB when unset). */
  maxBody?: number;
  /** Unauthenticated routes whose service acts as the system: the system actor's name. */
  system?: string;
  /** valibot schema of the JSON answer, when it has one. */
  response?: v.GenericSchema;
  /** Content type when the answer is not JSON. */
  produces?: string;
  /** Privileged: rate-limited by the `privileged` policy and audited. */
  privileged?: boolean;
}

/**
 * Collects route descriptions as modules register, and renders /openapi.json from the same
 * valibot schemas that validate requests (one definition). Tests also read it to enumerate routes.
 */
export class ApiDoc {
  readonly routes: RouteDoc[] = [];

  add(route: RouteDoc): void {
    this.routes.push(route);
  }

  /** The OpenAPI 3.0 document. */
  render(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const oaPath = r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      const params = [
        ...pathParams(r.path).map((name) => ({
          name,
          in: "path",
          required: true,
          schema: r.params?.entries[name] ? schemaOf(r.params.entries[name], "input") : { type: "string" },
        })),
        ...Object.entries(r.query?.entries ?? {}).map(([name, s]) => ({
          name,
          in: "query",
          required: s.type !== "optional",
          schema: schemaOf(s, "input"),
        })),
      ];
      const op: Record<string, unknown> = {
        summary: r.summary,
        "x-auth": typeof r.auth === "string" ? r.auth : `admin:${r.auth.admin}`,
        parameters: params,
        responses: {
          "200": r.response
            ? { description: "OK", content: { "application/json": { schema: schemaOf(r.response) } } }
            : { description: "OK", ...(r.produces ? { content: { [r.produces]: {} } } : {}) },
          "4XX": {
            description: "Error envelope",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        },
      };
      if (r.auth !== "none" && r.auth !== "enroll-code") op.security = [{ bearer: [] }];
      if (r.body) {
        op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(r.body) } } };
      }
      paths[oaPath] ??= {};
      paths[oaPath][r.method] = op;
    }
    return {
      openapi: "3.0.3",
      info: { title: "Malachor cloud API", version: "1" },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
        schemas: {
          Error: {
            type: "object",
            required: ["error"],
            properties: {
              error: {
                type: "object",
                required: ["code", "message", "retryable", "requestId"],
                properties: {
                  code: { type: "string" },
                  message: { type: "string" },
                  retryable: { type: "boolean" },
                  requestId: { type: "string" },
                  details: { type: "object" },
                },
              },
            },
          },
        },
      },
      paths,
    };
  }
}

/** The `:name` parameters of a Hono path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}

function schemaOf(s: v.GenericSchema, typeMode: "input" | "output" = "output"): unknown {
  return toJsonSchema(s, { target: "openapi-3.0", errorMode: "ignore", typeMode });
}
