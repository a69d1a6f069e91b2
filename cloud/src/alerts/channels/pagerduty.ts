import { type AlertChannel, postJson } from "../channel.ts";

/** PagerDuty's Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

/**
 * PagerDuty Events API v2: `trigger` (and `escalate`, sent to the escalation service's routing key)
 * with a payload of summary, source, severity and timestamp; `resolve` with the same dedup_key, so
 * one alert is one PagerDuty incident.
 */
export function pagerDutyChannel(
  routingKey: string,
  name = "pagerduty",
  url = PAGERDUTY_EVENTS_URL,
): AlertChannel {
  return {
    name,
    send: (a, event) => {
      const base = { routing_key: routingKey, dedup_key: a.dedupKey };
      const body =
        event === "resolve"
          ? { ...base, event_action: "resolve" }
          : {
              ...base,
              event_action: "trigger",
              payload: {
                summary: a.summary.slice(0, 1024),
                source: a.applianceId ?? a.siteId ?? "malachor-cloud",
                severity: a.severity,
                timestamp: a.openedAt,
                component: a.applianceId ?? undefined,
                group: a.siteId ?? undefined,
                class: a.kind,
                custom_details: { ...a.details, occurrences: a.occurrences, escalated: event === "escalate" },
              },
              client: "Malachor",
              client_url: a.url,
            };
      return postJson(name, url, JSON.stringify(body));
    },
  };
}
