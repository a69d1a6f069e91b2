import { SiteInput, VerifyChainOutput } from "../../../protocol/mcp.ts";
import { verifySiteChain } from "../evidence/verify-site.ts";
import { requireSite } from "./site-exists.ts";
import { defineTool } from "./tool.ts";

/**
 * verify_chain: re-verify a site's stored evidence with the cloud's own site verifier, so MCP
 * clients, the admin API and the portal give the same verdict as an auditor's export check.
 */
export const verifyChain = defineTool({
  name: "verify_chain",
  title: "Verify the evidence chain",
  description:
    "Re-verify a site's stored evidence from genesis: every bundle's Ed25519 signature, hash link and sequence " +
    "number, per appliance. Answers ok with each appliance's head, or the first break (kind, appliance, " +
    "sequence number, reason).",
  kind: "read",
  minRole: "read-only",
  input: SiteInput,
  output: VerifyChainOutput,
  siteOf: (input) => input.siteId,
  async run({ ctx, input }) {
    await requireSite(ctx, input.siteId);
    const r = await verifySiteChain({ ctx, input });
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
      };
    }
    const heads = Object.entries(r.heads)
      .map(([applianceId, h]) => ({ applianceId, seq: h.seq, hash: h.hash }))
      .sort((a, b) => a.applianceId.localeCompare(b.applianceId));
    return { siteId: r.siteId, ok: true, bundles: r.count, heads };
  },
});
