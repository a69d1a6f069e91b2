import { SiteComplianceOutput, SiteInput } from "../../../protocol/mcp.ts";
import { siteProgram } from "../program/evaluate.ts";
import { siteCompliance } from "../web/data/compliance.ts";
import { defineSiteReadTool } from "./site-read-tool.ts";

/** get_site_compliance: the site's score per HIPAA control, the same figures the dashboard shows. */
export const getSiteCompliance = defineSiteReadTool({
  name: "get_site_compliance",
  title: "Site compliance per HIPAA control",
  description:
    "Compliance score of a site per HIPAA Security Rule control (pass / warn / fail / unknown / excepted / " +
    "unassessed), each with the latest findings (check, host, status, time) and the compliance program's " +
    "artefacts (risk assessment, policies, BAAs, training) behind it, and the exceptions naming it; computed from " +
    "the latest signed check cycle of each appliance and the site's program chain; `sources` names the evidence " +
    "bundle holding each finding.",
  input: SiteInput,
  output: SiteComplianceOutput,
  async run({ ctx, input }) {
    const program = await siteProgram(ctx, input.siteId);
    const {
      findings,
      asOf,
      fixed: _fixed,
      ...score
    } = await siteCompliance(ctx, input.siteId, program.evaluation);
    const sources = [...findings.values()]
      .map((f) => ({
        checkId: f.checkId,
        host: f.host,
        applianceId: f.bundle.applianceId,
        seq: f.bundle.seq,
      }))
      .sort((a, b) => a.checkId.localeCompare(b.checkId) || a.host.localeCompare(b.host));
    return { siteId: input.siteId, asOf, ...score, sources };
  },
});
