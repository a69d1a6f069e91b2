/**
 * A loopback OpenAI-compatible chat-completions server for tests and the demo: answers each request
 * with the next scripted completion (tool call, content, HTTP error, broken body, or a stall), or,
 * once the script is used up, with what `answer` makes of the request; it keeps the requests so
 * tests can inspect the prompt and the tools offered.
 */

/** One scripted completion. */
export type Completion =
  | { tool: string; args: unknown }
  | { content: string }
  | { toolCalls: Array<{ name: string; args: unknown }> }
  | { status: number; body?: string }
  | { raw: string }
  | { stallMs: number };

export interface LlmRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  tools?: Array<{ function: { name: string; parameters: unknown } }>;
  authorization: string | null;
}

/** Start the server on a free loopback port; its `url` is the `…/v1` base the planner settings take. */
export function startLlmServer(script: Completion[] = [], answer?: (req: LlmRequest) => Completion) {
  const requests: LlmRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      if (new URL(req.url).pathname !== "/v1/chat/completions")
        return new Response("not found", { status: 404 });
      const body = (await req.json()) as Omit<LlmRequest, "authorization">;
      const request = { ...body, authorization: req.headers.get("authorization") };
      requests.push(request);
      const next = script.shift() ?? answer?.(request) ?? { content: "no scripted answer" };
      const reply = (message: unknown) =>
        Response.json({
          id: "cmpl-1",
          object: "chat.completion",
          model: "scripted-llm-1",
          choices: [{ index: 0, message }],
        });
      if ("stallMs" in next) {
        await Bun.sleep(next.stallMs);
        return reply({ role: "assistant", content: "late" });
      }
      if ("status" in next) return new Response(next.body ?? "provider error", { status: next.status });
      if ("raw" in next) return new Response(next.raw, { headers: { "content-type": "application/json" } });
      if ("content" in next) return reply({ role: "assistant", content: next.content });
      const calls = "toolCalls" in next ? next.toolCalls : [{ name: next.tool, args: next.args }];
      return reply({
        role: "assistant",
        content: null,
        tool_calls: calls.map((c, i) => ({
          id: `call_${i}`,
          type: "function",
          function: { name: c.name, arguments: typeof c.args === "string" ? c.args : JSON.stringify(c.args) },
        })),
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    requests,
    script,
    stop: () => server.stop(true),
  };
}
