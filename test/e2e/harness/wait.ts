/** Thrown when a condition was not met in time; the message says what was awaited and the last state. */
export class WaitTimeout extends Error {
  override name = "WaitTimeout";
}

/** Thrown by a probe when waiting longer cannot help (the process it waits on has died). */
export class GiveUp extends Error {
  override name = "GiveUp";
}

/**
 * Poll `probe` until it returns a value other than undefined/false, or fail after `timeoutMs`
 * naming `what` and the last error or value seen. Polling (not sleeping) keeps tests fast on an
 * idle machine and patient on a loaded one.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
      last = v;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      last = e;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new WaitTimeout(
        `timed out after ${opts.timeoutMs ?? 30_000} ms waiting for ${what} (last: ${detail})`,
      );
    }
    await Bun.sleep(opts.intervalMs ?? 250);
  }
}
