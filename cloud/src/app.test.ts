import { expect, test } from "bun:test";
import { describeEachDb } from "./testing/each-db.ts";

describeEachDb("app skeleton", (cloud) => {
  test("GET /health answers with the database kind", async () => {
    const r = await cloud().request("/health");
    expect(r.status).toBe(200);
    expect(((await r.json()) as { ok: boolean }).ok).toBe(true);
  });

  test("unknown route → 404 in the error envelope with the request id echoed", async () => {
    const r = await cloud().request("/nope", { headers: { "x-request-id": "req-123" } });
    expect(r.status).toBe(404);
    expect(r.headers.get("x-request-id")).toBe("req-123");
    const body = (await r.json()) as { error: { code: string; requestId: string; retryable: boolean } };
    expect(body.error).toMatchObject({ code: "not_found", requestId: "req-123", retryable: false });
  });

  test("a malformed request id is replaced, never echoed", async () => {
    const r = await cloud().request("/health", { headers: { "x-request-id": "bad id\u0001" } });
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("every request is logged as one JSON line with its request id", async () => {
    await cloud().request("/health", { headers: { "x-request-id": "log-me" } });
    const lines = (cloud().deps.logger as unknown as { lines: Record<string, unknown>[] }).lines;
    expect(lines.find((l) => l.requestId === "log-me")).toMatchObject({
      msg: "request",
      status: 200,
      route: "/health",
    });
  });

  test("/metrics exposes request counters in Prometheus text format", async () => {
    await cloud().request("/health");
    const text = await (await cloud().request("/metrics")).text();
    expect(text).toContain("# TYPE malachor_http_requests_total counter");
    expect(text).toMatch(/malachor_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
  });

  test("/openapi.json lists the registered routes", async () => {
    const doc = (await (await cloud().request("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe("3.0.3");
    expect(Object.keys(doc.paths)).toContain("/health");
  });

  test("/openapi.json request and response schemas come from the protocol's valibot schemas", async () => {
    const doc = (await (await cloud().request("/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> } }>
      >;
    };
    const checkin = doc.paths["/agent/checkin"]?.post;
    const props = checkin?.requestBody?.content["application/json"]?.schema.properties ?? {};
    expect(Object.keys(props)).toEqual(
      expect.arrayContaining(["protocolVersion", "agentVersion", "queue", "chain"]),
    );
    expect(doc.paths["/api/orders/{orderId}/approve"]).toBeDefined();
  });
});
