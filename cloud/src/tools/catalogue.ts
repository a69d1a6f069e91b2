import type { RunbookCatalogue as SpecCatalogue } from "../../../lib/runbook-types.ts";
import type { RunbookSpec } from "../../../protocol/runbook.ts";

/**
 * The runbooks the cloud knows (the appliance's catalogue interface) plus each one's
 * documentation, which MCP serves as resources and get_runbook returns.
 */
export interface RunbookCatalogue extends SpecCatalogue {
  /** Markdown documentation of a runbook, or undefined for an unknown id. */
  documentation(id: string): string | undefined;
}

/** A catalogue over a fixed list of specs and their documentation (sorted by id). */
export function catalogueOf(entries: readonly { spec: RunbookSpec; doc: string }[]): RunbookCatalogue {
  const sorted = [...entries].sort((a, b) => a.spec.id.localeCompare(b.spec.id));
  const byId = new Map(sorted.map((e) => [e.spec.id, e]));
  const specs = sorted.map((e) => e.spec);
  return {
    all: () => specs,
    get: (id) => byId.get(id)?.spec,
    documentation: (id) => byId.get(id)?.doc,
  };
}
