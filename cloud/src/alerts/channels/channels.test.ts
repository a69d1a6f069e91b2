import { afterAll, expect, test } from "bun:test";
import { timingSafeEqual } from "node:crypto";
import * as v from "valibot";
import { bodyText, startSmtpTestServer } from "../../../../lib/mail/smtp-test-server.ts";
import { ManualClock } from "../../clock.ts";
import { smtpMailer } from "../../web/mail/mailer.ts";
import type { AlertMessage } from "../channel.ts";
import { startReceiver } from "../testing/receiver.ts";
import { emailChannel } from "./email.ts";
import { pagerDutyChannel } from "./pagerduty.ts";
import { slackChannel } from "./slack.ts";
import { teamsChannel } from "./teams.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookChannel, webhookSignature } from "./webhook.ts";

const alert: AlertMessage = {
  id: "alr_0123456789abcdef0123",
  dedupKey: "silent:app-1",
  kind: "appliance-silent",
  severity: "critical",
  summary: "appliance app-1 at site-a has not checked in for 3 min",
  siteId: "site-a",
  applianceId: "app-1",
  occurrences: 1,
  openedAt: "2026-11-25T12:03:00.000Z",
  details: { lastCheckinAt: "2026-11-25T12:00:00.000Z" },
  url: "https://cloud.example/dashboard/alerts",
};

const receivers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const r of receivers) await r.close();
});
const receiver = (opts?: { status?: number; reply?: string }) => {
  const r = startReceiver(opts);
  receivers.push(r);
  return r;
};

// The shapes each real service accepts, as its documentation states them.
const SlackWebhook = v.strictObject({
  text: v.pipe(v.string(), v.minLength(1)),
  blocks: v.array(
    v.union([
      v.strictObject({
        type: v.literal("section"),
        text: v.strictObject({ type: v.literal("mrkdwn"), text: v.pipe(v.string(), v.maxLength(3000)) }),
      }),
      v.strictObject({
        type: v.literal("context"),
        elements: v.array(v.strictObject({ type: v.literal("mrkdwn"), text: v.string() })),
      }),
    ]),
  ),
});
const TeamsMessage = v.strictObject({
  type: v.literal("message"),
  attachments: v.tuple([
    v.strictObject({
      contentType: v.literal("application/vnd.microsoft.card.adaptive"),
      contentUrl: v.null(),
      content: v.object({
        $schema: v.literal("http://adaptivecards.io/schemas/adaptive-card.json"),
        type: v.literal("AdaptiveCard"),
        version: v.string(),
        body: v.array(v.object({ type: v.picklist(["TextBlock", "FactSet"]) })),
        actions: v.array(
          v.object({
            type: v.literal("Action.OpenUrl"),
            title: v.string(),
            url: v.pipe(v.string(), v.url()),
          }),
        ),
      }),
    }),
  ]),
});
const PagerDutyTrigger = v.strictObject({
  routing_key: v.pipe(v.string(), v.length(32)),
  event_action: v.literal("trigger"),
  dedup_key: v.pipe(v.string(), v.maxLength(255)),
  payload: v.strictObject({
    summary: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
    source: v.pipe(v.string(), v.minLength(1)),
    severity: v.picklist(["critical", "error", "warning", "info"]),
    timestamp: v.pipe(v.string(), v.isoTimestamp()),
    component: v.optional(v.string()),
    group: v.optional(v.string()),
    class: v.optional(v.string()),
    custom_details: v.optional(v.record(v.string(), v.unknown())),
  }),
  client: v.optional(v.string()),
  client_url: v.optional(v.pipe(v.string(), v.url())),
});
const PagerDutyResolve = v.strictObject({
  routing_key: v.pipe(v.string(), v.length(32)),
  event_action: v.literal("resolve"),
  dedup_key: v.string(),
});

test("Slack: an incoming-webhook message with text and Block Kit blocks", async () => {
  const r = receiver();
  await slackChannel(`${r.url}/services/T000/B000/XXXX`).send(alert, "trigger");
  expect(r.received[0]!.headers.get("content-type")).toBe("application/json");
  const body = v.parse(SlackWebhook, JSON.parse(r.received[0]!.body));
  expect(body.text).toBe(`[CRITICAL] ${alert.summary}`);
  expect(JSON.stringify(body.blocks)).toContain("<https://cloud.example/dashboard/alerts|alert history>");
});

test("Teams: a message carrying one Adaptive Card", async () => {
  const r = receiver({ status: 202, reply: "" });
  await teamsChannel(`${r.url}/workflows/abc`).send(alert, "escalate");
  const body = v.parse(TeamsMessage, JSON.parse(r.received[0]!.body));
  expect(body.attachments[0].content.body.length).toBe(2);
  expect(r.received[0]!.body).toContain(`"text":"[ESCALATED] ${alert.summary}"`);
});

test("PagerDuty Events v2: trigger with payload, resolve with the same dedup_key", async () => {
  const r = receiver({
    status: 202,
    reply: '{"status":"success","message":"Event processed","dedup_key":"x"}',
  });
  const key = "R0123456789abcdefABCDEF012345678";
  const pd = pagerDutyChannel(key, "pagerduty", `${r.url}/v2/enqueue`);
  await pd.send(alert, "trigger");
  await pd.send(alert, "resolve");
  expect(r.received.map((x) => x.path)).toEqual(["/v2/enqueue", "/v2/enqueue"]);
  const trigger = v.parse(PagerDutyTrigger, JSON.parse(r.received[0]!.body));
  expect(trigger).toMatchObject({
    routing_key: key,
    dedup_key: "silent:app-1",
    payload: { severity: "critical", source: "app-1" },
  });
  expect(v.parse(PagerDutyResolve, JSON.parse(r.received[1]!.body)).dedup_key).toBe("silent:app-1");
});

test("signed webhook: the receiver recomputes HMAC-SHA256 over timestamp and exact body", async () => {
  const r = receiver();
  const secret = "s".repeat(40);
  const clock = new ManualClock();
  await webhookChannel(`${r.url}/hooks/malachor`, secret, clock).send(alert, "trigger");
  const got = r.received[0]!;
  const ts = got.headers.get(TIMESTAMP_HEADER)!;
  expect(Number(ts)).toBe(Math.floor(clock.now().getTime() / 1000));
  const expected = Buffer.from(webhookSignature(secret, ts, got.body));
  const sent = Buffer.from(got.headers.get(SIGNATURE_HEADER)!);
  expect(sent.length === expected.length && timingSafeEqual(sent, expected)).toBe(true);
  expect(got.headers.get(SIGNATURE_HEADER)).toMatch(/^sha256=[0-9a-f]{64}$/);
  // One changed byte and the signature no longer matches.
  expect(webhookSignature(secret, ts, got.body.replace("app-1", "app-2"))).not.toBe(sent.toString());
  expect(JSON.parse(got.body)).toEqual({ event: "trigger", alert });
});

test("e-mail: one message per address through SMTP", async () => {
  const smtp = await startSmtpTestServer();
  try {
    const mailer = smtpMailer(smtp.url, "alerts@msp.example");
    await emailChannel(mailer, ["oncall@msp.example", "lead@msp.example"]).send(alert, "trigger");
    expect(smtp.received.map((m) => m.to)).toEqual([["oncall@msp.example"], ["lead@msp.example"]]);
    expect(smtp.received[0]!.data).toMatch(/^Subject: \[CRITICAL\] appliance app-1/m);
    expect(bodyText(smtp.received[0]!)).toContain("Alert history: https://cloud.example/dashboard/alerts");
  } finally {
    await smtp.close();
  }
});

test("a refusal is an error naming the channel, the status and the host", async () => {
  const r = receiver({ status: 404, reply: "no_service" });
  await expect(slackChannel(`${r.url}/x`).send(alert, "trigger")).rejects.toThrow(
    /^slack: 404 from 127\.0\.0\.1:\d+ — no_service$/,
  );
});
