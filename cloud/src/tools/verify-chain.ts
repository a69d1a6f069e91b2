import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { type ChainStarts, verifyChain as verifyBundles } from "../../../protocol/chain.ts";
import { type ApplianceChainVerdict, VerifyChainInput, VerifyChainOutput } from "../../../protocol/mcp.ts";
import type { ServiceContext } from "../context.ts";
import { applianceKeys, appliances } from "../db/schema/appliances.ts";
import { evidenceChain } from "../db/schema/evidence.ts";
import { notFound } from "../http/errors.ts";
import { requireSite } from "./site-exists.ts";
import { defineTool } from "./tool.ts";

/** Bundles read per query: the chain is verified page by page, carrying the head across pages. */
const PAGE = 500;

/** Verify one appliance's stored chain from genesis with every identity key it has used. */
export async function verifyApplianceChain(
  ctx: ServiceContext,
  applianceId: string,
): Promise<ApplianceChainVerdict> {
  const keys = (
    await ctx.db
      .select({ publicKey: applianceKeys.publicKey })
      .from(applianceKeys)
      .where(eq(applianceKeys.applianceId, applianceId))
  ).map((k) => k.publicKey);
  let starts: ChainStarts = {};
  let bundles = 0;
  let headSeq = 0;
  for (;;) {
    const rows = await ctx.db
      .select({ seq: evidenceChain.seq, body: evidenceChain.body })
      .from(evidenceChain)
      .where(and(eq(evidenceChain.applianceId, applianceId), gt(evidenceChain.seq, headSeq)))
      .orderBy(asc(evidenceChain.seq))
      .limit(PAGE);
    if (rows.length === 0) break;
    const result = verifyBundles(
      rows.map((r) => JSON.parse(r.body) as unknown),
      keys,
      { starts },
    );
    if (!result.ok) {
      return {
        applianceId,
        ok: false,
        bundles: bundles + result.index,
        kind: result.kind,
        ...(result.seq !== undefined ? { seq: result.seq } : {}),
        message: result.message,
      };
    }
    bundles += rows.length;
    starts = result.heads;
    headSeq = rows[rows.length - 1]!.seq;
    if (rows.length < PAGE) break;
  }
  return { applianceId, ok: true, bundles, headSeq };
}

/** verify_chain: re-verify the stored evidence chain of one or every appliance of a site. */
export const verifyChain = defineTool({
  name: "verify_chain",
  title: "Verify the evidence chain",
  description:
    "Re-verify a site's stored evidence: every bundle's Ed25519 signature, hash link and sequence number, " +
    "per appliance. Answers ok with the head, or the first break (kind, sequence number, reason).",
  kind: "read",
  minRole: "read-only",
  input: VerifyChainInput,
  output: VerifyChainOutput,
  siteOf: (input) => input.siteId,
  async run({ ctx, input }) {
    await requireSite(ctx, input.siteId);
    const apps = await ctx.db
      .select({ id: appliances.id })
      .from(appliances)
      .where(
        and(
          eq(appliances.siteId, input.siteId),
          input.applianceId === undefined
            ? isNull(appliances.deletedAt)
            : eq(appliances.id, input.applianceId),
        ),
      )
      .orderBy(asc(appliances.id));
    if (input.applianceId !== undefined && apps.length === 0) {
      throw notFound(`applianceId: no appliance "${input.applianceId}" at site ${input.siteId}`);
    }
    const verdicts: ApplianceChainVerdict[] = [];
    for (const a of apps) verdicts.push(await verifyApplianceChain(ctx, a.id));
    return { siteId: input.siteId, ok: verdicts.every((x) => x.ok), appliances: verdicts };
  },
});
