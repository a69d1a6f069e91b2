/** Client portal pages: every route is under /portal/s/:siteId and shows the user's own site only. */
import { eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import { parse } from "../../../../protocol/common.ts";
import type { EvidenceBundle } from "../../../../protocol/evidence.ts";
import type { RemediationReceipt } from "../../../../protocol/receipt.ts";
import { evidenceChain } from "../../db/schema/evidence.ts";
import type { CloudDeps } from "../../deps.ts";
import { listEvidenceAlerts } from "../../evidence/alerts.ts";
import { chainIndexRows } from "../../evidence/bodies.ts";
import { exportSiteChain } from "../../evidence/export.ts";
import { siteKeyRows } from "../../evidence/site-keys.ts";
import { complianceWithProgram } from "../../program/evaluate.ts";
import { downloadKit, KitPeriodInput } from "../../transparency/kit/download.ts";
import { portalPage } from "../auth/guard.ts";
import { scoreHistory } from "../data/compliance.ts";
import { bundlePage, chainFigures, decodeCursor, encodeCursor } from "../data/evidence.ts";
import { hostNames } from "../data/host-names.ts";
import { bundleCount, siteAppliances, siteOr404 } from "../data/site.ts";
import { verifyForPage } from "../data/verify.ts";
import { type WebEnv, webCtx } from "../env.ts";
import { pageNotFound } from "../errors.tsx";
import type { EvidenceData } from "../views/evidence-panels.tsx";
import { BundleDetail } from "./bundle-page.tsx";
import { CompliancePacket } from "./packet.tsx";
import { PortalEvidence, PortalOverview, PortalReport } from "./pages.tsx";
import { PortalReceipt } from "./receipt-page.tsx";
import { portalUrl } from "./shell.tsx";

/** Days of score history on the overview and in the packet. */
export const HISTORY_DAYS = 30;
/** Bundles per evidence page. */
export const BUNDLES_PER_PAGE = 50;

/** Every portal page of a site with data behind it (the 0-bundle test renders each). */
export const PORTAL_SITE_PAGES = [
  "",
  "/report",
  "/evidence",
  "/evidence?verify=1",
  "/evidence?verify=all",
  "/evidence.jsonl",
  "/keys.txt",
  "/packet",
] as const;

/** Data of the evidence page (shared with the dashboard's evidence view). */
export async function evidencePageData(
  c: Context<WebEnv>,
  deps: CloudDeps,
  siteId: string,
  base: string,
): Promise<EvidenceData> {
  const cursor = decodeCursor(c.req.query("after"));
  // ?verify=1: the default audit; ?verify=all: every signature verified again.
  const verify = c.req.query("verify");
  const ctx = webCtx(c, deps);
  const [chains, keys, alerts, page, total] = await Promise.all([
    chainFigures(deps.db, siteId),
    siteKeyRows(deps.db, siteId),
    listEvidenceAlerts({ ctx, input: { siteId } }).then((r) => r.alerts),
    bundlePage(deps, siteId, BUNDLES_PER_PAGE, cursor),
    bundleCount(deps.db, siteId),
  ]);
  const verification =
    verify === "1" || verify === "all"
      ? await verifyForPage(ctx, siteId, verify === "all" ? "all" : "heads")
      : undefined;
  const last = page.rows[page.rows.length - 1];
  return {
    chains,
    keys,
    alerts,
    verification,
    total,
    page: {
      rows: page.rows,
      next: page.more && last ? `${base}?after=${encodeURIComponent(encodeCursor(last))}` : undefined,
      first: cursor ? base : undefined,
    },
  };
}

/** The raw stored bundle `applianceId#seq` of a site, or the web's 404. */
export async function storedBundle(deps: CloudDeps, siteId: string, applianceId: string, seqText: string) {
  const seq = Number(seqText);
  if (!Number.isSafeInteger(seq) || seq < 1) throw pageNotFound();
  const [row] = await chainIndexRows(
    deps.db,
    eq(evidenceChain.siteId, siteId),
    eq(evidenceChain.applianceId, applianceId),
    eq(evidenceChain.seq, seq),
  );
  if (!row) throw pageNotFound();
  const [raw] = await deps.bodies.texts([row]);
  return { bundle: JSON.parse(raw!) as EvidenceBundle, raw: raw!, hash: row.hash };
}

/** The healing receipt `receiptId` in stored bundle (applianceId, seq) of the site (404 when absent). */
export async function storedReceipt(
  deps: CloudDeps,
  siteId: string,
  p: { applianceId: string; seq: string; receiptId: string },
): Promise<{ receipt: RemediationReceipt; bundle: EvidenceBundle }> {
  const { bundle } = await storedBundle(deps, siteId, p.applianceId, p.seq);
  const receipt = bundle.receipts.find((x) => x.id === p.receiptId);
  if (!receipt) throw pageNotFound();
  return { receipt, bundle };
}

/** The JSONL download response (the cloud's export service, streamed). */
export function jsonlResponse(c: Context<WebEnv>, deps: CloudDeps, siteId: string): Response {
  return new Response(exportSiteChain({ ctx: webCtx(c, deps), input: { siteId } }), {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${siteId}-chain.jsonl"`,
    },
  });
}

/** The auditor's kit download (?from=YYYY-MM-DD&to=YYYY-MM-DD): rate-limited and audited by the service. */
export async function kitResponse(c: Context<WebEnv>, deps: CloudDeps, siteId: string): Promise<Response> {
  const period = parse(KitPeriodInput, c.req.query(), "the kit's period");
  const kit = await downloadKit({ ctx: webCtx(c, deps), input: { siteId, ...period } });
  return new Response(kit.bytes, {
    headers: {
      "content-type": "application/x-tar",
      "content-disposition": `attachment; filename="${kit.fileName}"`,
    },
  });
}

/** The keys.txt download response: one hex public key per line, the `--pubkey` file of the verifier. */
export async function keysResponse(deps: CloudDeps, siteId: string): Promise<Response> {
  const keys = await siteKeyRows(deps.db, siteId);
  return new Response(keys.map((k) => `${k.publicKey}\n`).join(""), {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="${siteId}-keys.txt"`,
    },
  });
}

/** Register the portal's pages. */
export function registerPortal(web: Hono<WebEnv>, deps: CloudDeps): void {
  const guard = portalPage(deps);
  const site = (c: Context<WebEnv>) => c.req.param("siteId") ?? "";

  web.get("/portal", guard, (c) => c.redirect(portalUrl(c.get("web").user.siteId ?? ""), 303));

  web.get("/portal/s/:siteId", guard, async (c) => {
    const s = await siteOr404(deps.db, site(c));
    const now = deps.clock.now();
    const { compliance: cmp, program } = await complianceWithProgram(deps, s.id);
    const [history, apps, bundles] = await Promise.all([
      scoreHistory(deps, s.id, HISTORY_DAYS, now, program.on),
      siteAppliances(deps.db, s.id),
      bundleCount(deps.db, s.id),
    ]);
    return c.html(
      <PortalOverview
        web={c.get("web")}
        site={s}
        c={cmp}
        history={history}
        appliances={apps}
        bundles={bundles}
        now={now}
      />,
    );
  });

  web.get("/portal/s/:siteId/report", guard, async (c) => {
    const s = await siteOr404(deps.db, site(c));
    const { compliance, program } = await complianceWithProgram(deps, s.id);
    return c.html(
      <PortalReport web={c.get("web")} site={s} c={compliance} programInUse={program.evaluation.inUse} />,
    );
  });

  web.get("/portal/s/:siteId/evidence", guard, async (c) => {
    const s = await siteOr404(deps.db, site(c));
    const data = await evidencePageData(c, deps, s.id, portalUrl(s.id, "/evidence"));
    return c.html(<PortalEvidence web={c.get("web")} site={s} d={data} />);
  });

  web.get("/portal/s/:siteId/evidence/bundle/:applianceId/:seq", guard, async (c) => {
    const s = await siteOr404(deps.db, site(c));
    const [b, names] = await Promise.all([
      storedBundle(deps, s.id, c.req.param("applianceId"), c.req.param("seq")),
      hostNames(deps.db, s.id),
    ]);
    return c.html(
      <BundleDetail web={c.get("web")} siteId={s.id} b={b.bundle} hash={b.hash} raw={b.raw} names={names} />,
    );
  });

  web.get("/portal/s/:siteId/receipts/:applianceId/:seq/:receiptId", guard, async (c) => {
    const s = await siteOr404(deps.db, site(c));
    const [{ receipt, bundle }, names] = await Promise.all([
      storedReceipt(deps, s.id, c.req.param()),
      hostNames(deps.db, s.id),
    ]);
    return c.html(
      <PortalReceipt web={c.get("web")} siteId={s.id} r={receipt} bundle={bundle} names={names} />,
    );
  });

  web.get("/portal/s/:siteId/evidence.jsonl", guard, async (c) => {
    const s = await siteOr404(deps.db, site(c));
    return jsonlResponse(c, deps, s.id);
  });

  web.get("/portal/s/:siteId/kit.tar", guard, async (c) => {
    const s = await siteOr404(deps.db, site(c));
    return kitResponse(c, deps, s.id);
  });

  web.get("/portal/s/:siteId/keys.txt", guard, async (c) => {
    const s = await siteOr404(deps.db, site(c));
    return keysResponse(deps, s.id);
  });

  web.get("/portal/s/:siteId/packet", guard, async (c) => {
    const s = await siteOr404(deps.db, site(c));
    const now = deps.clock.now();
    const { compliance: cmp, program } = await complianceWithProgram(deps, s.id);
    const [history, chains, keys, bundles] = await Promise.all([
      scoreHistory(deps, s.id, HISTORY_DAYS, now, program.on),
      chainFigures(deps.db, s.id),
      siteKeyRows(deps.db, s.id),
      bundleCount(deps.db, s.id),
    ]);
    return c.html(
      <CompliancePacket
        site={s}
        c={cmp}
        history={history}
        chains={chains}
        keys={keys}
        bundles={bundles}
        now={now}
        program={program}
        backHref={portalUrl(s.id)}
      />,
    );
  });
}
