import { request } from "undici/index.js";

/** One chat message sent to the model. */
export interface ChatMessage {
  role: "system" | "user";
  content: string;
}

/** An OpenAI-style function tool. */
export interface ChatTool {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** What the model answered: a tool call (name + raw JSON arguments) or plain content. */
export type ChatAnswer =
  | { kind: "tool"; name: string; arguments: string; model: string }
  | { kind: "text"; content: string; model: string };

/** The provider failed (network, timeout, non-2xx, not an OpenAI-shaped body): counts for the breaker. */
export class ProviderError extends Error {
  override name = "ProviderError";
}

/**
 * POST <url>/chat/completions (OpenAI-compatible) through undici and return the first choice.
 * The model may call at most one tool; temperature 0 so the same incident gets the same plan.
 */
export async function chatCompletion(
  s: { url: string; apiKey: string; model: string; timeoutMs: number },
  messages: ChatMessage[],
  tools: ChatTool[],
): Promise<ChatAnswer> {
  const where = `${s.url}/chat/completions`;
  let status: number;
  let text: string;
  try {
    const res = await request(where, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: s.model,
        temperature: 0,
        messages,
        ...(tools.length ? { tools, tool_choice: "auto", parallel_tool_calls: false } : {}),
      }),
      headersTimeout: s.timeoutMs,
      bodyTimeout: s.timeoutMs,
      signal: AbortSignal.timeout(s.timeoutMs),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (e) {
    throw new ProviderError(`LLM provider ${where}: ${(e as Error).message}`);
  }
  if (status < 200 || status > 299)
    throw new ProviderError(`LLM provider ${where} answered HTTP ${status}: ${text.slice(0, 200)}`);
  let body: {
    model?: unknown;
    choices?: Array<{
      message?: {
        content?: unknown;
        tool_calls?: Array<{ function?: { name?: unknown; arguments?: unknown } }>;
      };
    }>;
  };
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProviderError(`LLM provider ${where} sent a body that is not JSON`);
  }
  const msg = body.choices?.[0]?.message;
  const model = typeof body.model === "string" && body.model ? body.model.slice(0, 200) : s.model;
  if (!msg) throw new ProviderError(`LLM provider ${where} sent no choices`);
  const calls = msg.tool_calls ?? [];
  if (calls.length > 1) return { kind: "text", content: "__multiple_tool_calls__", model };
  const call = calls[0]?.function;
  if (call) {
    if (typeof call.name !== "string" || typeof call.arguments !== "string") {
      throw new ProviderError(`LLM provider ${where} sent a malformed tool call`);
    }
    return { kind: "tool", name: call.name, arguments: call.arguments, model };
  }
  if (typeof msg.content !== "string")
    throw new ProviderError(`LLM provider ${where} sent neither content nor a tool call`);
  return { kind: "text", content: msg.content, model };
}
