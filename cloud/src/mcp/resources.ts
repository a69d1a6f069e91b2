import type { ReadResourceResult, Resource, ResourceTemplate } from "@modelcontextprotocol/sdk/types.js";
import { HIPAA_CONTROLS } from "../../../protocol/hipaa.ts";
import { notFound } from "../http/errors.ts";
import type { RunbookCatalogue } from "../tools/catalogue.ts";
import { runbookDocUri } from "../tools/get-runbook.ts";

/** URI of the HIPAA Security Rule control catalogue resource. */
export const HIPAA_CATALOGUE_URI = "malachor://hipaa/controls";

/** Resources: the HIPAA control catalogue and each runbook's documentation. */
export function listResources(catalogue: RunbookCatalogue): Resource[] {
  return [
    {
      uri: HIPAA_CATALOGUE_URI,
      name: "hipaa-controls",
      title: "HIPAA Security Rule controls",
      description: "Every standard and implementation specification of §164.308–§164.316 that checks cite.",
      mimeType: "application/json",
    },
    ...catalogue.all().map(
      (r): Resource => ({
        uri: runbookDocUri(r.id),
        name: r.id,
        title: `Runbook: ${r.title}`,
        description: r.description,
        mimeType: "text/markdown",
      }),
    ),
  ];
}

/** The runbook documentation URIs as a template (clients that browse by template find them). */
export const RESOURCE_TEMPLATES: ResourceTemplate[] = [
  {
    uriTemplate: runbookDocUri("{runbookId}"),
    name: "runbook-documentation",
    title: "Runbook documentation",
    description:
      "What a runbook detects, remediates and verifies, its HIPAA citations, parameters and scripts.",
    mimeType: "text/markdown",
  },
];

/** Read one resource by URI; an unknown URI is a not-found error naming it. */
export function readResource(catalogue: RunbookCatalogue, uri: string): ReadResourceResult {
  if (uri === HIPAA_CATALOGUE_URI) {
    return {
      contents: [{ uri, mimeType: "application/json", text: JSON.stringify(HIPAA_CONTROLS, null, 2) }],
    };
  }
  const prefix = runbookDocUri("");
  const id = uri.startsWith(prefix) ? uri.slice(prefix.length) : "";
  const doc = catalogue.documentation(id);
  if (doc === undefined) throw notFound(`uri: no resource "${uri}" (see resources/list)`);
  return { contents: [{ uri, mimeType: "text/markdown", text: doc }] };
}
