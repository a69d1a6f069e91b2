import { expect, test } from "bun:test";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { bodyText, startSmtpTestServer } from "../../../lib/mail/smtp-test-server.ts";
import { AGENT_API } from "../../../protocol/api.ts";
import { verifyChain } from "../../../protocol/chain.ts";
import type { SyncResponse } from "../../../protocol/sync.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { siteCompliance } from "../web/data/compliance.ts";
import { smtpMailer } from "../web/mail/mailer.ts";
import { signInPortal } from "../web/testing/client.ts";
import { seedEvidence } from "../web/testing/seed.ts";
import { siteProgram } from "./evaluate.ts";
import { decideException, proposeException } from "./exceptions.ts";
import { adoptPolicy } from "./policies.ts";
import { remindSite } from "./reminders.ts";
import { saveSraSection, startSra } from "./sra.ts";
import { portalActor, seedProgram } from "./testing.ts";

const schemaDir = `${import.meta.dir}/oscal-schemas`;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateAr = ajv.compile(await Bun.file(`${schemaDir}/oscal_assessment-results_schema.json`).json());
const validatePoam = ajv.compile(await Bun.file(`${schemaDir}/oscal_poam_schema.json`).json());

describeEachDb("compliance program", (cloud) => {
  test("a complete program: every control assessed, every record verifies in the site's program chain", async () => {
    const c = cloud();
    await c.createSite("site-p");
    const app = await c.createAppliance("site-p");
    await seedEvidence(c, app, 40, 5);
    const before = await siteCompliance(c.deps, "site-p", (await siteProgram(c.deps, "site-p")).evaluation);
    expect(before.controls.filter((x) => x.status === "unassessed").length).toBeGreaterThan(30);
    await seedProgram(c, "site-p");
    const p = await siteProgram(c.deps, "site-p");
    const after = await siteCompliance(c.deps, "site-p", p.evaluation);
    expect(after.controls.filter((x) => x.status === "unassessed").map((x) => x.control.citation)).toEqual(
      [],
    );
    // The one failing check (BitLocker) still fails its control; everything else the program covers passes.
    expect(after.controls.find((x) => x.control.citation === "§164.312(a)(2)(iv)")!.status).toBe("fail");
    const admin = await c.adminToken("read-only", "site-p");
    const jsonl = await (await c.call("GET", "/api/sites/site-p/program/export", { bearer: admin })).text();
    const lines = jsonl.trim().split("\n");
    expect(lines.length).toBe(p.state.records);
    const verdict = verifyChain(
      lines.map((l) => JSON.parse(l)),
      [c.deps.keys.publicKey],
    );
    expect(verdict).toMatchObject({ ok: true, count: lines.length });
    expect(
      await (await c.call("GET", "/api/sites/site-p/program/verify", { bearer: admin })).json(),
    ).toMatchObject({ ok: true });
    // One changed byte anywhere breaks the chain for the same verifier.
    const tampered = lines.map((l, i) =>
      JSON.parse(i === 0 ? l.replace("Dana Official", "Dana Officia1") : l),
    );
    expect(verifyChain(tampered, [c.deps.keys.publicKey]).ok).toBe(false);
    // The BAA's signed copy comes back from the object store, checked against its hash.
    const baa = (await (await c.call("GET", "/api/sites/site-p/program", { bearer: admin })).json()) as {
      baas: { baaId: string }[];
    };
    const doc = await c.call("GET", `/api/sites/site-p/program/baas/${baa.baas[0]!.baaId}/document`, {
      bearer: admin,
    });
    expect(doc.headers.get("content-type")).toBe("application/pdf");
    expect(await doc.text()).toStartWith("%PDF-1.4");
    // The official's report states 0 unassessed with the formula; the packet carries the program.
    const portal = await signInPortal(c, "dana.official@clinic.example");
    const report = await portal.get("/portal/s/site-p/report");
    expect(report.html).toContain("Every one of the 59 controls is assessed");
    expect(report.html).toContain("score = 100 ×");
    const packet = await portal.get("/portal/s/site-p/packet");
    for (const part of ["packet-program", "packet-sra", "packet-policies", "packet-baas", "packet-training"])
      expect(packet.html).toContain(`data-testid="${part}"`);
    expect(packet.html).toContain("Acme EHR");
  });

  test("OSCAL assessment results and POA&M validate against the published OSCAL schemas", async () => {
    const c = cloud();
    await c.createSite("site-o");
    const app = await c.createAppliance("site-o");
    await seedEvidence(c, app, 20, 3);
    await seedProgram(c, "site-o");
    const tech = await c.adminToken("msp-tech", "site-o");
    const r = await c.call("POST", "/api/sites/site-o/program/exceptions", {
      bearer: tech,
      body: {
        target: { kind: "check", checkId: "windows.bitlocker" },
        reason: "Imaging PC vendor forbids disk encryption",
        compensatingControl: "PC in locked room, no local ePHI",
        expiresOn: "2027-01-01",
      },
    });
    expect(r.status).toBe(201);
    for (const kind of ["assessment-results", "poam"] as const) {
      const doc = await (await c.call("GET", `/api/sites/site-o/oscal/${kind}`, { bearer: tech })).json();
      const validate = kind === "poam" ? validatePoam : validateAr;
      const ok = validate(doc);
      expect({ kind, errors: ok ? null : validate.errors?.slice(0, 3) }).toEqual({ kind, errors: null });
    }
    const poam = (await (await c.call("GET", "/api/sites/site-o/oscal/poam", { bearer: tech })).json()) as {
      "plan-of-action-and-milestones": { risks: { status: string; title: string }[] };
    };
    expect(poam["plan-of-action-and-milestones"].risks.map((x) => x.status)).toContain("deviation-requested");
  });

  test("exceptions: two people, the score and healing follow, expiry fails again (clock moved)", async () => {
    const c = cloud();
    c.clock.set("2026-11-25T12:00:00.000Z");
    await c.createSite("site-e");
    const app = await c.createAppliance("site-e");
    await seedEvidence(c, app, 20, 3);
    const { official, staff } = await seedProgram(c, "site-e");
    const tech = await c.adminToken("msp-tech", "site-e");
    const bitlocker = async () => {
      const p = await siteProgram(c.deps, "site-e");
      return (await siteCompliance(c.deps, "site-e", p.evaluation)).controls.find(
        (x) => x.control.citation === "§164.312(a)(2)(iv)",
      )!;
    };
    // Only a failing check can be excepted, and the proposal alone changes nothing.
    const notFailing = await c.call("POST", "/api/sites/site-e/program/exceptions", {
      bearer: tech,
      body: {
        target: { kind: "check", checkId: "windows.firewall" },
        reason: "r",
        compensatingControl: "c",
        expiresOn: "2026-12-20",
      },
    });
    expect(notFailing.status).toBe(400);
    const { exceptionId } = await proposeException({
      ctx: {
        ...c.deps,
        actor: { type: "admin", tokenId: "t", name: "Tom Tech", role: "msp-tech", siteId: "site-e" },
        requestId: null,
      },
      input: {
        siteId: "site-e",
        target: { kind: "check", checkId: "windows.bitlocker" },
        reason: "Imaging PC cannot encrypt",
        compensatingControl: "Locked room; no ePHI stored locally",
        expiresOn: "2026-12-20",
      },
    });
    expect((await bitlocker()).status).toBe("fail");
    // Staff cannot accept; the MSP cannot accept; the official can.
    await expect(
      decideException({ ctx: staff.ctx, input: { siteId: "site-e", exceptionId, decision: "accept" } }),
    ).rejects.toThrow(/only the security official/);
    await expect(
      decideException({
        ctx: {
          ...c.deps,
          actor: { type: "admin", tokenId: "t", name: "Tom", role: "msp-admin", siteId: null },
          requestId: null,
        },
        input: { siteId: "site-e", exceptionId, decision: "accept" },
      }),
    ).rejects.toThrow(/portal/);
    await decideException({
      ctx: official.ctx,
      input: { siteId: "site-e", exceptionId, decision: "accept" },
    });
    expect((await bitlocker()).status).toBe("excepted");
    // The appliance's signed config now names the waiver, so its healer leaves the check alone.
    const sync = (await (await c.call("GET", AGENT_API.sync, { bearer: app.apiKey })).json()) as SyncResponse;
    expect(sync.config.payload.waivers).toEqual([
      { checkId: "windows.bitlocker", exceptionId, until: "2026-12-20" },
    ]);
    // Past the expiry the control fails again and appliances heal it again.
    c.clock.set("2026-12-21T08:00:00.000Z");
    expect((await bitlocker()).status).toBe("fail");
    expect((await bitlocker()).exceptions).toEqual([
      { exceptionId, state: "expired", expiresOn: "2026-12-20" },
    ]);
    const later = (await (
      await c.call("GET", AGENT_API.sync, { bearer: app.apiKey })
    ).json()) as SyncResponse;
    expect(later.config.payload.waivers).toEqual([]);
  });

  test("disabling a scored check is refused: an exception is the way", async () => {
    const c = cloud();
    await c.createSite("site-d");
    const app = await c.createAppliance("site-d");
    await seedEvidence(c, app, 10, 2);
    const tech = await c.adminToken("msp-tech", "site-d");
    const config = {
      checkIntervalSec: 60,
      disabledChecks: ["windows.bitlocker"],
      healing: { paused: false, dryRun: false, enabledRunbooks: [] },
      maintenanceWindow: null,
    };
    const r = await c.call("PUT", "/api/sites/site-d/config", { bearer: tech, body: config });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain("Propose an exception instead");
    const unscored = await c.call("PUT", "/api/sites/site-d/config", {
      bearer: tech,
      body: { ...config, disabledChecks: ["linux.cron-review"] },
    });
    expect(unscored.status).toBe(200);
    const waivers = await c.call("PUT", "/api/sites/site-d/config", {
      bearer: tech,
      body: { ...config, disabledChecks: [], waivers: [] },
    });
    expect(waivers.status).toBe(400);
  });

  test("the SRA: prefilled from evidence, gaps need a plan step, only the official answers", async () => {
    const c = cloud();
    await c.createSite("site-s");
    const app = await c.createAppliance("site-s");
    await seedEvidence(c, app, 20, 3);
    const official = await portalActor(c, "site-s", "o@clinic.example", "Olive Official");
    const sys = c.systemCtx();
    const { designateOfficial } = await import("./officials.ts");
    await designateOfficial({
      ctx: sys,
      input: { siteId: "site-s", role: "security-official", email: official.email },
    });
    const { sraId } = await startSra({ ctx: sys, input: { siteId: "site-s", trigger: "on-demand" } });
    const sra = (await siteProgram(c.deps, "site-s")).state.sras.get(sraId)!;
    // BitLocker fails in the latest cycle: the encryption question is prefilled "no", with the bundle linked.
    const enc = sra.prefill.get("data.encryption")!;
    expect(enc.answer).toBe("no");
    expect(enc.evidence[0]).toMatchObject({ checkId: "windows.bitlocker", applianceId: app.applianceId });
    // On the section page its evidence link says which check on which computer (by name where
    // discovery named the address; the seeded hosts are names already).
    const portal = await signInPortal(c, official.email);
    const page = await portal.get(`/portal/s/site-s/program/sra/${sraId}/data`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`windows.bitlocker on ${enc.evidence[0]!.host}`);
    const input = {
      siteId: "site-s",
      sraId,
      sectionId: "vendors",
      answers: [{ questionId: "vendors.baa", answer: "no" as const, likelihood: 2, impact: 3 }],
      plan: [],
    };
    await expect(saveSraSection({ ctx: official.ctx, input })).rejects.toThrow(/remediation step/);
    await saveSraSection({
      ctx: official.ctx,
      input: {
        ...input,
        plan: [
          {
            questionId: "vendors.baa",
            action: "Sign a BAA with the EHR vendor",
            owner: "Olive Official",
            dueOn: "2027-02-01",
          },
        ],
      },
    });
    await expect(saveSraSection({ ctx: sys, input })).rejects.toThrow(/portal/);
    // Policies need a designated official too, and name the clinic.
    const r = await adoptPolicy({ ctx: official.ctx, input: { siteId: "site-s", policyId: "sanctions" } });
    expect(r.siteVersion).toBe(1);
  });

  test("reminders: what is due goes to the officials by e-mail, once a week, as the clock moves", async () => {
    const c = cloud();
    c.clock.set("2026-01-10T09:00:00.000Z");
    await c.createSite("site-r");
    await seedProgram(c, "site-r");
    const smtp = await startSmtpTestServer();
    try {
      const mailer = smtpMailer(smtp.url, "compliance@msp.example");
      expect(await remindSite(c.deps, mailer, "site-r", "Riverside")).toBe(0);
      // 150 days on, the BAA (signed for a year) expires within the month.
      c.clock.set("2026-06-09T09:00:00.000Z");
      expect(await remindSite(c.deps, mailer, "site-r", "Riverside")).toBe(1);
      const m = smtp.received[0]!;
      expect(m.to).toEqual(["dana.official@clinic.example"]);
      expect(await bodyText(m)).toContain("BAA with Acme EHR expires on");
      // The same week: nothing again. The next week: a reminder again.
      expect(await remindSite(c.deps, mailer, "site-r", "Riverside")).toBe(0);
      c.clock.set("2026-06-17T09:00:00.000Z");
      expect(await remindSite(c.deps, mailer, "site-r", "Riverside")).toBe(1);
      expect(smtp.received).toHaveLength(2);
      // A year after the last one, the yearly risk assessment is started (prefilled) and reminded.
      c.clock.set("2027-01-11T09:00:00.000Z");
      expect(await remindSite(c.deps, mailer, "site-r", "Riverside")).toBeGreaterThan(0);
      const sras = [...(await siteProgram(c.deps, "site-r")).state.sras.values()];
      expect(sras.map((x) => [x.trigger, Boolean(x.signed)])).toEqual([
        ["yearly", true],
        ["yearly", false],
      ]);
      expect(await bodyText(smtp.received.at(-1)!)).toContain("yearly security risk assessment is due");
    } finally {
      await smtp.close();
    }
  });
});
