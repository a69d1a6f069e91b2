import { VerifyChainInput, VerifyChainOutput } from "../../../protocol/mcp.ts";
import { auditSiteChain, enforceVerifyBudget } from "../evidence/chain-audit.ts";
import { defineSiteReadTool } from "./site-read-tool.ts";

/**
 * verify_chain: the cloud's chain audit (evidence/chain-audit.ts), the one the admin API and the
 * pages show, so MCP clients get the verdict `malachor evidence verify` gives for the export.
 */
export const verifyChain = defineSiteReadTool({
  name: "verify_chain",
  title: "Verify the evidence chain",
  description:
    "Audit a site's stored evidence from genesis (or from an appliance's retention floor, once its oldest months " +
    "were dropped past the retention: floors), per appliance: every bundle's shape, hash link and sequence " +
    "number; each appliance's head signature and every signature the cloud did not verify at ingest " +
    '(signatures: "all" verifies every Ed25519 signature again, slower). Answers ok with each appliance\'s ' +
    "head, or the first break (kind, appliance, sequence number, reason) exactly as `malachor evidence verify` " +
    "names it for the export, and what was checked (coverage).",
  input: VerifyChainInput,
  output: VerifyChainOutput,
  async run({ ctx, input }) {
    await enforceVerifyBudget(ctx);
    const r = await auditSiteChain({ ctx, input });
    if (!r.ok) {
      const { index, kind, applianceId, seq, message } = r.break;
      return {
        siteId: r.siteId,
        ok: false,
        bundles: r.count,
        heads: [],
        break: {
          index,
          kind,
          message,
          ...(applianceId ? { applianceId } : {}),
          ...(seq !== undefined ? { seq } : {}),
        },
        coverage: r.coverage,
      };
    }
    const heads = Object.entries(r.heads)
      .map(([applianceId, h]) => ({ applianceId, seq: h.seq, hash: h.hash }))
      .sort((a, b) => a.applianceId.localeCompare(b.applianceId));
    const floors = r.floors ? { floors: r.floors } : {};
    return { siteId: r.siteId, ok: true, bundles: r.count, heads, ...floors, coverage: r.coverage };
  },
});
