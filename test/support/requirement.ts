/**
 * Suites that need something from the machine (Postgres, moto_server, pywinrm, Chromium, sshd):
 * without it they are skipped with a note on a developer's machine, and fail by name under CI
 * (`CI` set), where a missing tool must never pass as a skipped suite.
 */
import { test } from "bun:test";

/** Whether `what` is present; when it is not, a note (or, under CI, a failing test naming it). */
export function requirement(what: string, present: boolean, install: string): boolean {
  if (present) return true;
  if (process.env.CI) {
    test(`${what} is available (required when CI is set)`, () => {
      throw new Error(`${what} is missing: ${install}`);
    });
  } else {
    console.warn(`${what} is missing (${install}); the suites that need it are skipped`);
  }
  return false;
}
