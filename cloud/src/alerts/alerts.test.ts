import { afterAll, beforeAll, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { type SmtpTestServer, startSmtpTestServer } from "../../../lib/mail/smtp-test-server.ts";
import { AGENT_API } from "../../../protocol/api.ts";
import { sampleCheckin } from "../../../protocol/testkit.ts";
import { alertDeliveries, alerts } from "../db/schema/alerts.ts";
import { regulatoryDocuments } from "../db/schema/regulatory.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { TestAppliance, TestCloud } from "../testing/test-cloud.ts";
import { smtpMailer } from "../web/mail/mailer.ts";
import { emailChannel } from "./channels/email.ts";
import { webhookChannel } from "./channels/webhook.ts";
import { type AlertRouting, queueDeliveries, sendDue } from "./dispatch.ts";
import { alertsJob } from "./job.ts";
import { raiseAlert } from "./raise.ts";
import { type Receiver, startReceiver } from "./testing/receiver.ts";

const never = new AbortController().signal;

describeEachDb("cloud alerting", (cloud) => {
  // Receivers per database suite, so each suite counts only its own deliveries.
  let hook: Receiver;
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    hook = startReceiver();
    smtp = await startSmtpTestServer();
  });
  afterAll(async () => {
    await hook.close();
    await smtp.close();
  });
  let routing: AlertRouting;
  const pass = async (c: TestCloud) => {
    routing ??= {
      primary: [webhookChannel(`${hook.url}/hook`, "w".repeat(32), c.clock)],
      escalation: [
        emailChannel(smtpMailer(smtp.url, "alerts@msp.example"), ["second@msp.example"], "escalation-email"),
      ],
    };
    await alertsJob(routing).run(c.deps, never);
  };
  const alertsOf = (c: TestCloud, key: string) =>
    c.deps.db.select().from(alerts).where(eq(alerts.dedupKey, key));
  const hooksFor = (key: string, event?: string) =>
    hook.received
      .map((r) => JSON.parse(r.body) as { event: string; alert: { dedupKey: string } })
      .filter((b) => b.alert.dedupKey === key && (!event || b.event === event));
  const checkin = (c: TestCloud, a: TestAppliance) =>
    c.request(AGENT_API.checkin, {
      method: "POST",
      headers: a.headers,
      body: JSON.stringify(sampleCheckin()),
    });

  test("a silent appliance: exactly one alert after two missed intervals, none from the appliance; resolved when it returns", async () => {
    const c = cloud();
    await c.createSite("site-silent");
    const a = await c.createAppliance("site-silent", "quiet");
    expect((await checkin(c, a)).status).toBe(200);
    c.clock.advance(119_000);
    await pass(c);
    expect(await alertsOf(c, "silent:quiet")).toHaveLength(0);
    // Past two 60 s intervals: the next pass raises it; further passes only count it.
    c.clock.advance(2_000);
    for (let i = 0; i < 4; i++) {
      await pass(c);
      c.clock.advance(15_000);
    }
    const [open, ...more] = await alertsOf(c, "silent:quiet");
    expect(more).toHaveLength(0);
    expect(open).toMatchObject({
      kind: "appliance-silent",
      severity: "critical",
      siteId: "site-silent",
      resolvedAt: null,
    });
    expect(hooksFor("silent:quiet", "trigger")).toHaveLength(1);
    // It checks in again: the alert resolves and the resolution is announced once.
    expect((await checkin(c, a)).status).toBe(200);
    await pass(c);
    await pass(c);
    expect((await alertsOf(c, "silent:quiet"))[0]!.resolvedAt).not.toBeNull();
    expect(hooksFor("silent:quiet", "resolve")).toHaveLength(1);
    // Silent again later: a new incident, a new alert.
    c.clock.advance(121_000);
    await pass(c);
    expect((await alertsOf(c, "silent:quiet")).filter((r) => r.resolvedAt === null)).toHaveLength(1);
    await checkin(c, a);
    await pass(c);
  });

  test("a chain gap recorded at ingest becomes one critical alert", async () => {
    const c = cloud();
    await c.createSite("site-chain");
    const a = await c.createAppliance("site-chain", "gappy");
    await checkin(c, a);
    const bundles = a.nextBundles(3);
    const r = await a.upload([bundles[2]]);
    expect(r.status).toBe(409);
    await pass(c);
    await pass(c);
    const rows = await c.deps.db.select().from(alerts).where(eq(alerts.applianceId, "gappy"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "chain", severity: "critical" });
    expect(hooksFor(rows[0]!.dedupKey)).toHaveLength(1);
  });

  test("a failed order and an expired order each raise one alert", async () => {
    const c = cloud();
    await c.createSite("site-orders");
    const a = await c.createAppliance("site-orders", "worker");
    await checkin(c, a);
    const tech = await c.adminToken("msp-tech", "site-orders");
    const make = async (ttl?: number) => {
      const r = await c.call("POST", "/api/sites/site-orders/orders", {
        bearer: tech,
        body: {
          applianceId: "worker",
          type: "sync_rules",
          params: {},
          ...(ttl ? { ttlSec: ttl } : {}),
        },
      });
      expect(r.status).toBe(201);
      return ((await r.json()) as { orders: { id: string }[] }).orders[0]!.id;
    };
    const failing = await make();
    const expiring = await make(60);
    const done = {
      status: "failed",
      result: { error: "disk full" },
      finishedAt: c.clock.now().toISOString(),
    };
    const r = await c.request(AGENT_API.orderComplete(failing), {
      method: "POST",
      headers: a.headers,
      body: JSON.stringify(done),
    });
    expect(r.status).toBe(200);
    c.clock.advance(61_000);
    await checkin(c, a);
    await pass(c);
    await pass(c);
    expect((await alertsOf(c, `order:${failing}`)).map((x) => x.kind)).toEqual(["order-failed"]);
    expect((await alertsOf(c, `order:${expiring}`)).map((x) => x.kind)).toEqual(["order-expired"]);
  });

  test("a new Federal Register document is announced once", async () => {
    const c = cloud();
    await c.deps.db.insert(regulatoryDocuments).values({
      documentNumber: "2026-99999",
      title: "HIPAA Security Rule amendments",
      type: "Proposed Rule",
      htmlUrl: "https://www.federalregister.gov/d/2026-99999",
      publicationDate: "2026-11-24",
      agencies: ["Health and Human Services Department"],
      matchedTerm: "HIPAA",
      firstSeenAt: c.clock.now(),
    });
    await pass(c);
    await pass(c);
    expect((await alertsOf(c, "regulatory:2026-99999")).map((x) => x.severity)).toEqual(["info"]);
    expect(hooksFor("regulatory:2026-99999")).toHaveLength(1);
  });

  test("SLA: unacknowledged past 60 min escalates to the second contact once; an acknowledged one never", async () => {
    const c = cloud();
    const late = await raiseAlert(c.deps, {
      dedupKey: "test:late",
      kind: "reminder",
      severity: "warning",
      summary: "late",
    });
    const seen = await raiseAlert(c.deps, {
      dedupKey: "test:seen",
      kind: "reminder",
      severity: "warning",
      summary: "seen",
    });
    expect([late.outcome, seen.outcome]).toEqual(["opened", "opened"]);
    const admin = await c.adminToken("msp-tech");
    const ack = await c.call("POST", `/api/alerts/${seen.id}/ack`, { bearer: admin, body: {} });
    expect(ack.status).toBe(200);
    c.clock.advance(59 * 60_000);
    await pass(c);
    const before = smtp.received.length;
    c.clock.advance(2 * 60_000);
    await pass(c);
    await pass(c);
    // Every unacknowledged alert of earlier tests escalates too; these two are the ones to check.
    const subjects = smtp.received.slice(before).map((m) => /^Subject: (.*)$/m.exec(m.data)?.[1]);
    expect(subjects.filter((x) => x === "[ESCALATED] late")).toHaveLength(1);
    expect(subjects.filter((x) => x === "[ESCALATED] seen")).toHaveLength(0);
    expect(smtp.received.slice(before).every((m) => m.to.join() === "second@msp.example")).toBe(true);
    expect((await alertsOf(c, "test:late"))[0]!.escalatedAt).not.toBeNull();
    expect((await alertsOf(c, "test:seen"))[0]!.escalatedAt).toBeNull();
  });

  test("raised at once from many callers: one alert, the rest counted", async () => {
    const c = cloud();
    const input = {
      dedupKey: "test:race",
      kind: "anchoring-stalled",
      severity: "error",
      summary: "anchoring stalled",
    } as const;
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => raiseAlert(c.deps, input, new Date(c.clock.now().getTime() + i))),
    );
    expect(outcomes.filter((o) => o.outcome === "opened")).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(1);
    expect(await alertsOf(c, "test:race")).toHaveLength(1);
  });

  test("a delivery the receiver refuses is retried later, then succeeds", async () => {
    const c = cloud();
    await pass(c); // whatever earlier tests left owed goes out first
    const own = startReceiver({ status: 503 });
    const mine: AlertRouting = {
      primary: [webhookChannel(`${own.url}/hook`, "w".repeat(32), c.clock)],
      escalation: [],
    };
    try {
      const { id } = await raiseAlert(c.deps, {
        dedupKey: "test:retry",
        kind: "reminder",
        severity: "info",
        summary: "retry me",
      });
      const step = async () => {
        await queueDeliveries(c.deps, mine);
        await sendDue(c.deps, mine);
      };
      const row = async () =>
        (
          await c.deps.db
            .select()
            .from(alertDeliveries)
            .where(and(eq(alertDeliveries.alertId, id), eq(alertDeliveries.event, "trigger")))
        )[0]!;
      await step();
      expect(await row()).toMatchObject({
        attempts: 1,
        deliveredAt: null,
        lastError: expect.stringMatching(/^webhook: 503/),
      });
      own.answer(200);
      await step();
      expect((await row()).attempts).toBe(1); // not due yet: 30 s back-off
      c.clock.advance(31_000);
      await step();
      expect((await row()).deliveredAt).not.toBeNull();
    } finally {
      await own.close();
    }
  });
});
