/** Rows of a `db.execute` result: PGlite answers `{ rows }`, Bun.SQL an array. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
