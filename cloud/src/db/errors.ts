/** The database's own error under drizzle's wrapper: SQLSTATE code (when known) and message. */
export function pgErrorOf(e: unknown): { code: string | undefined; message: string } {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const c = (cur as { cause?: unknown }).cause;
    if (!c) break;
    cur = c;
  }
  const err = cur as { code?: unknown; errno?: unknown; message?: unknown };
  const code =
    typeof err.code === "string" && /^[0-9A-Z]{5}$/.test(err.code)
      ? err.code
      : typeof err.errno === "string"
        ? err.errno
        : undefined;
  return { code, message: String(err.message ?? e) };
}

/** True for a unique-constraint violation (SQLSTATE 23505). */
export function isUniqueViolation(e: unknown): boolean {
  const { code, message } = pgErrorOf(e);
  return code === "23505" || /duplicate key value/.test(message);
}
