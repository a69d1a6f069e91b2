import type { RunbookSpec } from "../../../protocol/runbook.ts";

/** The runbooks the cloud knows, with each one's documentation (what the tools and L2 read). */
export interface RunbookCatalogue {
  list(): readonly RunbookSpec[];
  get(id: string): RunbookSpec | undefined;
  /** Markdown documentation of a runbook, or undefined for an unknown id. */
  documentation(id: string): string | undefined;
}

/** A catalogue over a fixed list of specs and their documentation (sorted by id). */
export function catalogueOf(entries: readonly { spec: RunbookSpec; doc: string }[]): RunbookCatalogue {
  const sorted = [...entries].sort((a, b) => a.spec.id.localeCompare(b.spec.id));
  const byId = new Map(sorted.map((e) => [e.spec.id, e]));
  const specs = sorted.map((e) => e.spec);
  return {
    list: () => specs,
    get: (id) => byId.get(id)?.spec,
    documentation: (id) => byId.get(id)?.doc,
  };
}
