import * as v from "valibot";
import type { Clock } from "../clock.ts";
import { CommaList, parseEnvVars, together } from "../env-vars.ts";
import type { Mailer } from "../web/mail/mailer.ts";
import type { AlertChannel } from "./channel.ts";
import { emailChannel } from "./channels/email.ts";
import { PAGERDUTY_EVENTS_URL, pagerDutyChannel } from "./channels/pagerduty.ts";
import { slackChannel } from "./channels/slack.ts";
import { teamsChannel } from "./channels/teams.ts";
import { webhookChannel } from "./channels/webhook.ts";
import type { AlertRouting } from "./dispatch.ts";

const Emails = v.pipe(
  CommaList,
  v.array(v.pipe(v.string(), v.email("must be comma-separated e-mail addresses"))),
);
const Url = v.pipe(v.string(), v.url("must be a URL"));
const RoutingKey = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9]{32}$/, "must be a 32-character PagerDuty integration key"),
);
const int = (min: number, max: number) =>
  v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(min), v.maxValue(max));

/**
 * Alerting variables: ALERT_EMAIL_TO, ALERT_SLACK_WEBHOOK_URL, ALERT_TEAMS_WEBHOOK_URL,
 * ALERT_PAGERDUTY_ROUTING_KEY (+ ALERT_PAGERDUTY_URL), ALERT_WEBHOOK_URL + ALERT_WEBHOOK_SECRET
 * (primary contact); ALERT_ESCALATION_EMAIL_TO, ALERT_ESCALATION_PAGERDUTY_ROUTING_KEY (second
 * contact); ALERT_SLA_MINUTES (60), ALERT_CHECKIN_INTERVAL_SEC (60), ALERT_SILENT_INTERVALS (2).
 */
export const AlertEnv = v.object({
  ALERT_EMAIL_TO: v.optional(Emails, ""),
  ALERT_ESCALATION_EMAIL_TO: v.optional(Emails, ""),
  ALERT_SLACK_WEBHOOK_URL: v.optional(Url),
  ALERT_TEAMS_WEBHOOK_URL: v.optional(Url),
  ALERT_PAGERDUTY_ROUTING_KEY: v.optional(RoutingKey),
  ALERT_ESCALATION_PAGERDUTY_ROUTING_KEY: v.optional(RoutingKey),
  ALERT_PAGERDUTY_URL: v.optional(Url, PAGERDUTY_EVENTS_URL),
  ALERT_WEBHOOK_URL: v.optional(Url),
  ALERT_WEBHOOK_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, "must be at least 32 characters"))),
  ALERT_SLA_MINUTES: v.optional(int(1, 7 * 24 * 60), "60"),
  ALERT_CHECKIN_INTERVAL_SEC: v.optional(int(10, 24 * 3600), "60"),
  ALERT_SILENT_INTERVALS: v.optional(int(1, 100), "2"),
});
export type AlertSettings = v.InferOutput<typeof AlertEnv>;

/** Validate the alerting variables; a bad or half-given one throws naming it. */
export function parseAlertSettings(env: Record<string, string | undefined>): AlertSettings {
  const s = parseEnvVars("alert", AlertEnv, env);
  together("alert", s, "ALERT_WEBHOOK_URL", "ALERT_WEBHOOK_SECRET");
  return s;
}

/** The channels the settings name (e-mail through `mailer`). */
export function alertRouting(s: AlertSettings, mailer: Mailer, clock: Clock): AlertRouting {
  const primary: AlertChannel[] = [];
  const escalation: AlertChannel[] = [];
  if (s.ALERT_EMAIL_TO.length > 0) primary.push(emailChannel(mailer, s.ALERT_EMAIL_TO));
  if (s.ALERT_SLACK_WEBHOOK_URL) primary.push(slackChannel(s.ALERT_SLACK_WEBHOOK_URL));
  if (s.ALERT_TEAMS_WEBHOOK_URL) primary.push(teamsChannel(s.ALERT_TEAMS_WEBHOOK_URL));
  if (s.ALERT_PAGERDUTY_ROUTING_KEY) {
    primary.push(pagerDutyChannel(s.ALERT_PAGERDUTY_ROUTING_KEY, "pagerduty", s.ALERT_PAGERDUTY_URL));
  }
  if (s.ALERT_WEBHOOK_URL && s.ALERT_WEBHOOK_SECRET) {
    primary.push(webhookChannel(s.ALERT_WEBHOOK_URL, s.ALERT_WEBHOOK_SECRET, clock));
  }
  if (s.ALERT_ESCALATION_EMAIL_TO.length > 0) {
    escalation.push(emailChannel(mailer, s.ALERT_ESCALATION_EMAIL_TO, "escalation-email"));
  }
  if (s.ALERT_ESCALATION_PAGERDUTY_ROUTING_KEY) {
    escalation.push(
      pagerDutyChannel(
        s.ALERT_ESCALATION_PAGERDUTY_ROUTING_KEY,
        "escalation-pagerduty",
        s.ALERT_PAGERDUTY_URL,
      ),
    );
  }
  return { primary, escalation };
}
