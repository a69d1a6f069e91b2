/** The pieces every area's settings read environment variables with (settings.ts gathers the areas). */
import * as v from "valibot";
import { describeIssues } from "../../protocol/common.ts";

/** A comma-separated variable: its entries, trimmed, empty ones dropped. */
export const CommaList = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  ),
);

/** One area's variables through its schema, or an error "`area` configuration: …" naming every bad one. */
export function parseEnvVars<S extends v.GenericSchema>(
  area: string,
  schema: S,
  env: Record<string, string | undefined>,
): v.InferOutput<S> {
  const r = v.safeParse(schema, env);
  if (!r.success) throw new Error(`${area} configuration: ${describeIssues(r.issues)}`);
  return r.output;
}

/** Refuse two variables of which only one is given: they go together. */
export function together(area: string, vars: Record<string, unknown>, a: string, b: string): void {
  if (Boolean(vars[a]) !== Boolean(vars[b]))
    throw new Error(`${area} configuration: ${a} and ${b} go together`);
}
