import { afterAll, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { startSmtpTestServer } from "../../../../lib/mail/smtp-test-server.ts";
import type { BundleContent } from "../../../../protocol/evidence.ts";
import { IncidentReport } from "../../../../protocol/incident.ts";
import { sampleFinding } from "../../../../protocol/testkit.ts";
import { openStateDb } from "../../queue/db.ts";
import { Queue } from "../../queue/queue.ts";
import { HealStore } from "../store.ts";
import { startWebhookReceiver } from "../testing/receivers.ts";
import { emailNotifier } from "./email.ts";
import { escalate, IncidentError, resolveIncident } from "./escalate.ts";
import { webhookNotifier } from "./webhook.ts";

const hook = startWebhookReceiver("s3cret");
const badHook = startWebhookReceiver("s3cret", 500);
const smtp = await startSmtpTestServer({ refuseRcpt: "nobody@clinic.example" });
afterAll(async () => {
  hook.stop();
  badHook.stop();
  await smtp.close();
});

function setup() {
  const db = openStateDb(":memory:");
  const queue = new Queue(db, { maxBytes: 10_000_000 });
  let n = 0;
  const evidence: BundleContent[] = [];
  return {
    queue,
    evidence,
    deps: {
      store: new HealStore(db),
      outbox: queue,
      evidence: { append: (c: BundleContent) => evidence.push(c) },
      notifiers: [
        webhookNotifier({ url: hook.url, secret: "s3cret" }),
        emailNotifier({ url: smtp.url, from: "malachor@clinic.example", to: ["it@msp.example"] }),
      ],
      siteId: "site-a",
      applianceId: "app-1",
      now: () => new Date("2026-11-25T10:00:00Z"),
      newId: () => `inc-${++n}`,
    },
  };
}

const drift = sampleFinding({
  checkId: "windows.bitlocker",
  host: "EXAM-3",
  status: "fail",
  title: "BitLocker off (last user: Patient: John Smith)",
  details: { tpmPresent: false, note: "MRN: 00482913" },
});

describe("L3 escalation", () => {
  test("opens a scrubbed incident, notifies webhook (signed) and SMTP, queues it for the cloud", async () => {
    const { deps, queue } = setup();
    const r = await escalate(deps, drift, "L3", "no TPM");
    expect(r.opened).toBe(true);
    expect(r.deliveries.every((d) => d.ok)).toBe(true);
    expect(r.incident.title).toBe("BitLocker off (last user: Patient: [REDACTED:name])");
    expect(r.incident.details).toMatchObject({ note: "MRN: [REDACTED:mrn]", escalation: "no TPM" });
    const got = hook.received.at(-1)!;
    expect(got.verified).toBe(true);
    expect(got.body).toMatchObject({ event: "incident.opened", siteId: "site-a", incident: { id: "inc-1" } });
    const mail = smtp.received.at(-1)!;
    expect(mail.to).toEqual(["it@msp.example"]);
    expect(mail.data).toContain("Subject: [Malachor OPEN] HIGH windows.bitlocker on EXAM-3");
    const queued = queue.peek("incidents", 10);
    expect(queued).toHaveLength(1);
    expect(v.parse(IncidentReport, JSON.parse(queued[0]!.payload)).incidents[0]!.status).toBe("open");
  });

  test("a recurrence bumps the open incident without notifying again; it stays open", async () => {
    const { deps, queue } = setup();
    await escalate(deps, drift, "L2", "plan refused");
    const before = hook.received.length;
    const r = await escalate(deps, drift, "L3", "again");
    expect(r.opened).toBe(false);
    expect(r.incident).toMatchObject({ occurrences: 2, tier: "L3", status: "open" });
    expect(hook.received.length).toBe(before);
    expect(deps.store.incidents("open")).toHaveLength(1);
    expect(queue.peek("incidents", 10)).toHaveLength(2);
  });

  test("only a named person resolves it; resolution is announced and queued", async () => {
    const { deps, queue, evidence } = setup();
    const { incident } = await escalate(deps, drift, "L3", "no TPM");
    await expect(resolveIncident(deps, incident.id, " ", "done")).rejects.toThrow(IncidentError);
    await expect(resolveIncident(deps, "inc-404", "Ana", "done")).rejects.toThrow("no incident inc-404");
    const r = await resolveIncident(deps, incident.id, "Ana Tech", "TPM enabled in BIOS, BitLocker on");
    expect(r.incident).toMatchObject({ status: "resolved", resolvedBy: "Ana Tech" });
    expect(hook.received.at(-1)!.body).toMatchObject({ event: "incident.resolved" });
    await expect(resolveIncident(deps, incident.id, "Ana", "again")).rejects.toThrow("already resolved");
    expect(evidence.map((e) => e.events?.[0]?.type)).toEqual(["incident-opened", "incident-resolved"]);
    expect(queue.peek("incidents", 10).map((q) => q.key)).toEqual([
      `incident:${incident.id}:open:1`,
      `incident:${incident.id}:resolved:1`,
    ]);
    // A new drift after resolution opens a new incident.
    expect((await escalate(deps, drift, "L3", "back")).opened).toBe(true);
  });

  test("a failing channel is reported, the others still deliver", async () => {
    const { deps } = setup();
    deps.notifiers = [
      webhookNotifier({ url: badHook.url, secret: "s3cret" }),
      webhookNotifier({ url: "http://127.0.0.1:1/nothing", secret: "x", timeoutMs: 2000 }),
      emailNotifier({
        url: smtp.url,
        from: "m@clinic.example",
        to: ["nobody@clinic.example", "it@msp.example"],
      }),
      webhookNotifier({ url: hook.url, secret: "s3cret" }),
    ];
    const r = await escalate(deps, drift, "L3", "x");
    expect(r.deliveries.map((d) => d.ok)).toEqual([false, false, false, true]);
    expect(r.deliveries[0]!.error).toContain("HTTP 500");
    expect(r.deliveries[2]!.error).toContain("nobody@clinic.example: ");
    expect(smtp.received.at(-1)!.to).toEqual(["it@msp.example"]);
  });
});
