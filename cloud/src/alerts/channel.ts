import type { AlertSeverity } from "./raise.ts";

/** Why a message is sent: a new alert, an escalation after a missed SLA, or the condition cleared. */
export type AlertEvent = "trigger" | "escalate" | "resolve";

/** An alert as channels render it. */
export interface AlertMessage {
  id: string;
  dedupKey: string;
  kind: string;
  severity: AlertSeverity;
  summary: string;
  siteId: string | null;
  applianceId: string | null;
  occurrences: number;
  openedAt: string;
  details: Record<string, unknown>;
  /** The dashboard's alert history, for a person to follow. */
  url: string;
}

/** One destination (Slack, Teams, PagerDuty, a webhook, e-mail). `send` throws on any refusal. */
export interface AlertChannel {
  name: string;
  send(alert: AlertMessage, event: AlertEvent): Promise<void>;
}

/** The subject line every channel uses. */
export function alertTitle(a: AlertMessage, event: AlertEvent): string {
  const prefix =
    event === "resolve" ? "RESOLVED" : event === "escalate" ? "ESCALATED" : a.severity.toUpperCase();
  return `[${prefix}] ${a.summary}`;
}

/** POST JSON to a receiver; a non-2xx answer or a timeout is an error naming the channel and status. */
export async function postJson(
  channel: string,
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!r.ok) {
    const text = (await r.text()).slice(0, 200);
    throw new Error(`${channel}: ${r.status} from ${new URL(url).host}${text ? ` — ${text}` : ""}`);
  }
  await r.arrayBuffer().catch(() => undefined);
}
