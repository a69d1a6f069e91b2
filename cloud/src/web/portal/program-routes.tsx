/** The compliance program's portal pages and actions (the site's own people only). */
import type { Context, Hono } from "hono";
import * as v from "valibot";
import { describeIssues } from "../../../../protocol/common.ts";
import { POLICY_LIBRARY, SRA_SECTIONS } from "../../../../protocol/program-catalogue.ts";
import type { CloudDeps } from "../../deps.ts";
import { ApiError } from "../../http/errors.ts";
import { portalUserOf } from "../../program/access.ts";
import { baaDocument } from "../../program/baas.ts";
import { programBodies } from "../../program/chain.ts";
import { siteProgram } from "../../program/evaluate.ts";
import { decideException } from "../../program/exceptions.ts";
import { oscalExport } from "../../program/oscal-export.ts";
import { acknowledgePolicy, adoptPolicy } from "../../program/policies.ts";
import { renderPolicy } from "../../program/policy-texts.ts";
import { SraSectionInput, saveSraSection, signSra, startSra } from "../../program/sra.ts";
import { attestTraining } from "../../program/training.ts";
import { portalPage } from "../auth/guard.ts";
import { hostNames } from "../data/host-names.ts";
import { siteOr404 } from "../data/site.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { pageNotFound } from "../errors.tsx";
import { PolicyPage, ProgramPage, SraSectionPage } from "./program-pages.tsx";
import { portalUrl } from "./shell.tsx";

/** A section form's fields (`answer.<question>`, `likelihood.…`, `action.…`…) as the service's input. */
export function sectionFromForm(questionIds: readonly string[], form: Record<string, string>) {
  const answers = questionIds.map((id) => ({
    questionId: id,
    answer: form[`answer.${id}`] ?? "",
    note: form[`note.${id}`] ?? "",
    likelihood: Number(form[`likelihood.${id}`] ?? "1"),
    impact: Number(form[`impact.${id}`] ?? "2"),
  }));
  const plan = questionIds
    .filter((id) => (form[`action.${id}`] ?? "").trim() !== "")
    .map((id) => ({
      questionId: id,
      action: form[`action.${id}`] ?? "",
      owner: form[`owner.${id}`] ?? "",
      dueOn: form[`due.${id}`] ?? "",
    }));
  return v.safeParse(SraSectionInput, { answers, plan });
}

/** Register the program's portal pages. */
export function registerPortalProgram(web: Hono<WebEnv>, deps: CloudDeps): void {
  const guard = portalPage(deps);
  const base = (c: Context<WebEnv>) => portalUrl(c.req.param("siteId") ?? "", "/program");
  const done = (c: Context<WebEnv>, code: string, to = base(c)) => c.redirect(`${to}?done=${code}`, 303);
  const me = async (c: Context<WebEnv>, siteId: string) => {
    const ctx = webCtx(c, deps);
    const person = await portalUserOf(ctx, siteId);
    const prog = await siteProgram(deps, siteId);
    const isOfficial = prog.state.officials.get("security-official")?.portalUserId === person.portalUserId;
    return { ctx, prog, me: { portalUserId: person.portalUserId, email: person.email, isOfficial } };
  };

  web.get("/portal/s/:siteId/program", guard, async (c) => {
    const s = await siteOr404(deps.db, c.req.param("siteId"));
    const { prog, me: m } = await me(c, s.id);
    return c.html(<ProgramPage web={c.get("web")} site={s} prog={prog} me={m} done={c.req.query("done")} />);
  });

  // One-button actions: the path's ids are the verb's input; "sign" is registered before the
  // section routes, which would otherwise read it as a section id.
  const ACTIONS: [string, (c: Context<WebEnv>, siteId: string) => Promise<unknown>, string][] = [
    [
      "/sra/start",
      (c, siteId) => startSra({ ctx: webCtx(c, deps), input: { siteId, trigger: "on-demand" } }),
      "sra-started",
    ],
    [
      "/sra/:sraId/sign",
      (c, siteId) => signSra({ ctx: webCtx(c, deps), input: { siteId, sraId: c.req.param("sraId") ?? "" } }),
      "sra-signed",
    ],
    [
      "/policies/:policyId/adopt",
      (c, siteId) =>
        adoptPolicy({ ctx: webCtx(c, deps), input: { siteId, policyId: c.req.param("policyId") ?? "" } }),
      "adopted",
    ],
    [
      "/policies/:policyId/acknowledge",
      (c, siteId) =>
        acknowledgePolicy({
          ctx: webCtx(c, deps),
          input: { siteId, policyId: c.req.param("policyId") ?? "" },
        }),
      "acknowledged",
    ],
    [
      "/training/:assignmentId/attest",
      (c, siteId) =>
        attestTraining({
          ctx: webCtx(c, deps),
          input: { siteId, assignmentId: c.req.param("assignmentId") ?? "" },
        }),
      "attested",
    ],
  ];
  for (const [path, act, code] of ACTIONS) {
    web.post(`/portal/s/:siteId/program${path}`, guard, async (c) => {
      await act(c, c.req.param("siteId") ?? "");
      return done(c, code);
    });
  }

  web.get("/portal/s/:siteId/program/sra/:sraId/:sectionId", guard, async (c) => {
    const siteId = c.req.param("siteId");
    const { prog } = await me(c, siteId);
    const sra = prog.state.sras.get(c.req.param("sraId"));
    const section = SRA_SECTIONS.find((x) => x.id === c.req.param("sectionId"));
    if (!sra || !section) throw pageNotFound();
    const names = await hostNames(deps.db, siteId);
    return c.html(
      <SraSectionPage web={c.get("web")} siteId={siteId} sra={sra} section={section} names={names} />,
    );
  });

  web.post("/portal/s/:siteId/program/sra/:sraId/:sectionId", guard, async (c) => {
    const siteId = c.req.param("siteId");
    const section = SRA_SECTIONS.find((x) => x.id === c.req.param("sectionId"));
    if (!section) throw pageNotFound();
    const sraId = c.req.param("sraId");
    const parsed = sectionFromForm(
      section.questions.map((q) => q.id),
      c.get("web").form,
    );
    const again = async (error: string) => {
      const [prog, names] = await Promise.all([siteProgram(deps, siteId), hostNames(deps.db, siteId)]);
      const sra = prog.state.sras.get(sraId);
      if (!sra) throw pageNotFound();
      return c.html(
        <SraSectionPage
          web={c.get("web")}
          siteId={siteId}
          sra={sra}
          section={section}
          names={names}
          error={error}
        />,
        400,
      );
    };
    if (!parsed.success) return again(`Please check the form: ${describeIssues(parsed.issues)}`);
    try {
      await saveSraSection({
        ctx: webCtx(c, deps),
        input: { siteId, sraId, sectionId: section.id, ...parsed.output },
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) return again(err.message);
      throw err;
    }
    return done(c, "section-saved");
  });

  web.get("/portal/s/:siteId/program/policies/:policyId", guard, async (c) => {
    const siteId = c.req.param("siteId");
    const meta = POLICY_LIBRARY.find((x) => x.id === c.req.param("policyId"));
    if (!meta) throw pageNotFound();
    const s = await siteOr404(deps.db, siteId);
    const { prog, me: m } = await me(c, siteId);
    const a = prog.state.policies.get(meta.id)?.adopted;
    const security = prog.state.officials.get("security-official")?.person.name ?? "the security official";
    const text = a
      ? renderPolicy(meta.id, {
          clinic: a.clinicName,
          security: a.officers.securityOfficial,
          privacy: a.officers.privacyOfficer,
          effective: a.effectiveOn,
        })
      : renderPolicy(meta.id, {
          clinic: s.name,
          security,
          privacy: prog.state.officials.get("privacy-officer")?.person.name ?? security,
          effective: deps.clock.now().toISOString().slice(0, 10),
        });
    const acked = a
      ? Boolean(prog.state.policies.get(meta.id)?.acks.get(a.siteVersion)?.has(m.email))
      : false;
    return c.html(
      <PolicyPage
        web={c.get("web")}
        siteId={siteId}
        title={text.title}
        paragraphs={text.paragraphs}
        adopted={a ? { siteVersion: a.siteVersion, at: a.at, sha256: a.textSha256 } : null}
        me={m}
        acknowledged={acked}
      />,
    );
  });

  for (const decision of ["accept", "decline"] as const) {
    web.post(`/portal/s/:siteId/program/exceptions/:exceptionId/${decision}`, guard, async (c) => {
      await decideException({
        ctx: webCtx(c, deps),
        input: {
          siteId: c.req.param("siteId"),
          exceptionId: c.req.param("exceptionId"),
          decision,
          note: c.get("web").form.note ?? "",
        },
      });
      return done(c, decision === "accept" ? "accepted" : "declined");
    });
  }

  web.get("/portal/s/:siteId/program/baas/:baaId/document", guard, async (c) => {
    const { doc, bytes } = await baaDocument({
      ctx: webCtx(c, deps),
      input: { siteId: c.req.param("siteId"), baaId: c.req.param("baaId") },
    });
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": doc.contentType,
      "content-disposition": `attachment; filename="${doc.fileName}"`,
    });
  });

  web.get("/portal/s/:siteId/program.jsonl", guard, async (c) => {
    const bodies = await programBodies(deps.db, (await siteOr404(deps.db, c.req.param("siteId"))).id);
    return c.body(bodies.map((b) => `${b}\n`).join(""), 200, {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${c.req.param("siteId")}-program.jsonl"`,
    });
  });

  for (const kind of ["assessment-results", "poam"] as const) {
    web.get(`/portal/s/:siteId/oscal/${kind}.json`, guard, async (c) => {
      const doc = await oscalExport({ ctx: webCtx(c, deps), input: { siteId: c.req.param("siteId"), kind } });
      return c.json(doc, 200, {
        "content-disposition": `attachment; filename="${c.req.param("siteId")}-oscal-${kind}.json"`,
      });
    });
  }
}
