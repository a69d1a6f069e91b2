/**
 * The demo clinic's compliance program, set up the way people would: the MSP technician over the
 * admin API (designates the officer, starts the yearly SRA, records the BAAs with their signed
 * copies, assigns training) and the clinic's officer in the portal (answers each SRA section —
 * the appliance's suggested answers kept, a remediation step for every gap — signs it, adopts and
 * acknowledges every policy, records her training). Then the report's unassessed controls are
 * counted from the OSCAL assessment results.
 */
import { controlId } from "../../cloud/src/program/oscal.ts";
import { HIPAA_CONTROLS } from "../../protocol/hipaa.ts";
import { POLICY_LIBRARY, SRA_SECTIONS, TRAINING_COURSES } from "../../protocol/program-catalogue.ts";
import type { CloudProcess } from "../e2e/harness/cloud.ts";
import type { WebSession } from "../e2e/harness/web.ts";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A tiny PDF standing in for a scanned, signed agreement. */
const pdf = (title: string) => new TextEncoder().encode(`%PDF-1.4\n% ${title}\n%%EOF\n`);

async function ok(r: { status: number; html: string }, what: string): Promise<void> {
  if (r.status >= 400)
    throw new Error(`${what} → HTTP ${r.status}: ${r.html.replace(/<[^>]+>/g, " ").slice(0, 300)}`);
}

/** The MSP's side of the program, over the admin API. */
async function mspSide(cloud: CloudProcess, siteId: string, officer: { name: string; email: string }) {
  const base = `/api/sites/${siteId}/program`;
  for (const role of ["security-official", "privacy-officer"])
    await cloud.api("POST", `${base}/officials`, { role, email: officer.email });
  const { sraId } = await cloud.api<{ sraId: string }>("POST", `${base}/sras`, { trigger: "yearly" });
  for (const [vendor, services, phi] of [
    ["Cedar EHR", "Hosted electronic health record", ["charts", "prescriptions", "billing"]],
    ["Northwind Backup", "Encrypted off-site backup of the file server", ["scanned charts"]],
  ] as const) {
    const { baaId } = await cloud.api<{ baaId: string }>("POST", `${base}/baas`, {
      vendor,
      services,
      phi,
      signedOn: day(-120),
      expiresOn: day(245),
    });
    const res = await fetch(
      `${cloud.url}${base}/baas/${baaId}/document?name=${encodeURIComponent(`${vendor} BAA.pdf`)}`,
      {
        method: "PUT",
        headers: { authorization: `Bearer ${cloud.adminToken}`, "content-type": "application/pdf" },
        body: pdf(`${vendor} business associate agreement`),
      },
    );
    if (!res.ok) throw new Error(`BAA document → HTTP ${res.status}: ${await res.text()}`);
  }
  for (const c of TRAINING_COURSES)
    await cloud.api("POST", `${base}/training`, { person: officer, courseId: c.id, dueOn: day(30) });
  return sraId;
}

/** The answers a section form already carries (the appliance's suggestions), as form fields. */
export function sectionFields(html: string, questionIds: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const id of questionIds) {
    const esc = id.replaceAll(".", "\\.");
    const checked = new RegExp(`name="answer\\.${esc}" value="([a-z]+)" checked`).exec(html)?.[1];
    const answer = checked ?? (id === "data.clearinghouse" ? "na" : "yes");
    Object.assign(fields, {
      [`answer.${id}`]: answer,
      [`likelihood.${id}`]: answer === "yes" || answer === "na" ? "1" : "2",
      [`impact.${id}`]: "3",
      [`note.${id}`]: "",
    });
    if (answer === "no" || answer === "partial")
      Object.assign(fields, {
        [`action.${id}`]: "Fix what the appliance reports and confirm it in the next check cycle",
        [`owner.${id}`]: "MSP technician",
        [`due.${id}`]: day(30),
      });
  }
  return fields;
}

/** Set up the demo site's program; returns the controls still unassessed (with their citations). */
export async function setUpProgram(
  cloud: CloudProcess,
  siteId: string,
  officer: { name: string; email: string },
  portal: WebSession,
): Promise<string[]> {
  const sraId = await mspSide(cloud, siteId, officer);
  const u = (r: string) => `/portal/s/${siteId}/program${r}`;
  for (const s of SRA_SECTIONS) {
    const page = await portal.get(u(`/sra/${sraId}/${s.id}`));
    await ok(page, `SRA section ${s.id}`);
    await ok(
      await portal.post(
        u(`/sra/${sraId}/${s.id}`),
        sectionFields(
          page.html,
          s.questions.map((q) => q.id),
        ),
      ),
      `save ${s.id}`,
    );
  }
  await portal.get(u(""));
  await ok(await portal.post(u(`/sra/${sraId}/sign`), {}), "sign the SRA");
  for (const p of POLICY_LIBRARY) {
    await ok(await portal.post(u(`/policies/${p.id}/adopt`), {}), `adopt ${p.id}`);
    await ok(await portal.post(u(`/policies/${p.id}/acknowledge`), {}), `acknowledge ${p.id}`);
  }
  const program = await cloud.api<{ training: { assignmentId: string }[] }>(
    "GET",
    `/api/sites/${siteId}/program`,
  );
  for (const t of program.training)
    await ok(await portal.post(u(`/training/${t.assignmentId}/attest`), {}), "attest training");
  const ar = await cloud.api<{
    "assessment-results": { results: { findings?: { target: { "target-id": string } }[] }[] };
  }>("GET", `/api/sites/${siteId}/oscal/assessment-results`);
  const assessed = new Set(
    (ar["assessment-results"].results[0]?.findings ?? []).map((f) => f.target["target-id"]),
  );
  return HIPAA_CONTROLS.map((c) => c.citation).filter((c) => !assessed.has(controlId(c)));
}
