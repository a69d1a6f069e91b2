import type { Hono } from "hono";
import * as v from "valibot";
import { IsoDate, ProgramPerson } from "../../../protocol/program.ts";
import { assertSiteRole } from "../auth/permissions.ts";
import type { RouteDeps } from "../deps.ts";
import { readBodyBytes } from "../http/body.ts";
import type { AppEnv } from "../http/env.ts";
import { badRequest } from "../http/errors.ts";
import { idParams } from "../http/params.ts";
import { route, verbRoute } from "../http/route.ts";
import { cloudKeyHistory } from "../keys/keyring.ts";
import {
  attachBaaDocument,
  BaaInput,
  baaDocument,
  endBaa,
  MAX_BAA_BYTES,
  recordBaa,
} from "../program/baas.ts";
import { programBodies, verifyProgramChain } from "../program/chain.ts";
import { ExceptionProposal, proposeException, revokeException } from "../program/exceptions.ts";
import { designateOfficial } from "../program/officials.ts";
import { oscalExport } from "../program/oscal-export.ts";
import { startSra } from "../program/sra.ts";
import { assignTraining } from "../program/training.ts";
import { getProgram } from "../program/view.ts";

const read = { admin: "read-only" as const, siteParam: "siteId" };
const tech = { admin: "msp-tech" as const, siteParam: "siteId" };
const Site = idParams("siteId");
const SiteBaa = idParams("siteId", "baaId");
const SiteException = idParams("siteId", "exceptionId");
const Seq = v.object({ seq: v.number() });
const Note = v.strictObject({
  note: v.pipe(v.string(), v.trim(), v.minLength(1, "say why"), v.maxLength(500)),
});

/** The compliance program's API: the MSP's side (officials, SRA start, BAAs, training, exceptions) and exports. */
export function registerProgramRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  verbRoute(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/program",
      summary:
        "The site's compliance program: officials, risk assessments, policies, BAAs, training, exceptions, what is due",
      auth: read,
      params: Site,
    },
    getProgram,
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/program/export",
      summary:
        "The site's program chain as JSONL (cloud-signed bundles; verify with `malachor evidence verify --pubkey <cloud key>`)",
      auth: read,
      params: Site,
    },
    async ({ c, ctx, params }) => {
      assertSiteRole(ctx.actor, "read-only", params.siteId);
      const bodies = await programBodies(deps.db, params.siteId);
      return c.body(bodies.map((b) => `${b}\n`).join(""), 200, {
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="${params.siteId}-program.jsonl"`,
      });
    },
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/program/verify",
      summary:
        "Verify the site's program chain (every signature, link and sequence number) against the cloud key",
      auth: read,
      params: Site,
    },
    async ({ c, ctx, params }) => {
      assertSiteRole(ctx.actor, "read-only", params.siteId);
      const keys = (await cloudKeyHistory(deps.db)).map((k) => k.publicKey);
      return c.json(
        await verifyProgramChain(deps.db, params.siteId, keys.length ? keys : [deps.keys.publicKey]),
      );
    },
  );
  verbRoute(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/program/officials",
      summary: "Designate a portal user (by e-mail) as the site's security official or privacy officer",
      auth: tech,
      params: Site,
      body: v.strictObject({
        role: v.picklist(["security-official", "privacy-officer"]),
        email: v.pipe(v.string(), v.email(), v.maxLength(254)),
      }),
      response: Seq,
    },
    designateOfficial,
    201,
  );
  verbRoute(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/program/sras",
      summary: "Start a security risk assessment, prefilled from the latest findings",
      auth: tech,
      params: Site,
      body: v.strictObject({ trigger: v.picklist(["yearly", "on-demand"]) }),
      response: v.object({ sraId: v.string() }),
    },
    startSra,
    201,
  );
  verbRoute(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/program/baas",
      summary: "Record a business associate agreement",
      auth: tech,
      params: Site,
      body: BaaInput,
      response: v.object({ baaId: v.string(), seq: v.number() }),
    },
    recordBaa,
    201,
  );
  verbRoute(
    app,
    deps,
    {
      method: "put",
      path: "/api/sites/:siteId/program/baas/:baaId",
      summary: "Record a new version of a BAA (renewal, changed terms)",
      auth: tech,
      params: SiteBaa,
      body: BaaInput,
      response: v.object({ baaId: v.string(), seq: v.number() }),
    },
    recordBaa,
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/program/baas/:baaId/end",
      summary: "End a BAA (the vendor no longer handles PHI)",
      auth: tech,
      params: SiteBaa,
      body: Note,
      response: Seq,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await endBaa({ ctx, input: { ...params, reason: body.note } })),
  );
  route(
    app,
    deps,
    {
      method: "get",
      path: "/api/sites/:siteId/program/baas/:baaId/document",
      summary: "The signed copy of a BAA (checked against its recorded SHA-256)",
      auth: read,
      params: SiteBaa,
    },
    async ({ c, ctx, params }) => {
      const { doc, bytes } = await baaDocument({ ctx, input: params });
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        "content-type": doc.contentType,
        "content-disposition": `attachment; filename="${doc.fileName}"`,
      });
    },
  );
  route(
    app,
    deps,
    {
      method: "put",
      path: "/api/sites/:siteId/program/baas/:baaId/document",
      summary: `Attach the signed copy of a BAA: the raw file as the body (application/pdf, image/png or image/jpeg, ≤ ${MAX_BAA_BYTES / 1024 / 1024} MiB), its name in ?name=`,
      auth: tech,
      params: SiteBaa,
      query: v.object({ name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) }),
    },
    async ({ c, ctx, params, query }) => {
      const contentType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (!contentType) throw badRequest("send the file with its Content-Type");
      const bytes = await readBodyBytes(c, MAX_BAA_BYTES);
      return c.json(
        await attachBaaDocument({ ctx, input: { ...params, contentType, fileName: query.name, bytes } }),
      );
    },
  );
  verbRoute(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/program/training",
      summary: "Assign a training course to a staff member with a due date",
      auth: tech,
      params: Site,
      body: v.strictObject({ person: ProgramPerson, courseId: v.string(), dueOn: IsoDate }),
      response: v.object({ assignmentId: v.string() }),
    },
    assignTraining,
    201,
  );
  verbRoute(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/program/exceptions",
      summary:
        "Propose an exception for a failing check or a control (the clinic's security official accepts it in the portal)",
      auth: tech,
      params: Site,
      body: ExceptionProposal,
      response: v.object({ exceptionId: v.string() }),
    },
    proposeException,
    201,
  );
  route(
    app,
    deps,
    {
      method: "post",
      path: "/api/sites/:siteId/program/exceptions/:exceptionId/revoke",
      summary: "Withdraw an exception before it expires",
      auth: tech,
      params: SiteException,
      body: Note,
      response: Seq,
    },
    async ({ c, ctx, params, body }) =>
      c.json(await revokeException({ ctx, input: { ...params, note: body.note } })),
  );
  for (const kind of ["assessment-results", "poam"] as const) {
    route(
      app,
      deps,
      {
        method: "get",
        path: `/api/sites/:siteId/oscal/${kind}`,
        summary: `The site's OSCAL ${kind === "poam" ? "plan of action and milestones" : "assessment results"} (OSCAL 1.0.6 JSON)`,
        auth: read,
        params: Site,
      },
      async ({ c, ctx, params }) => c.json(await oscalExport({ ctx, input: { ...params, kind } })),
    );
  }
}
