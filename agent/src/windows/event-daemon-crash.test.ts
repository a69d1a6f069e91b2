/**
 * The event-log bookmark survives kill -9 of the daemon, and no event is reported twice or never:
 * `malachor run` (from source) reads the WinRM test server's Security log each cycle; account
 * lockouts written among thousands of failed logons must each appear in exactly one signed
 * bundle's threat finding, though the daemon is killed -9 twice (once right after it stored a first
 * batch, before it signed anything reporting it; once right after a lockout reached the cloud)
 * and started again.
 */
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { dirname, join } from "node:path";
import type { Finding } from "../../../protocol/finding.ts";
import { waitFor } from "../../../test/e2e/harness/wait.ts";
import { failedLogons, writeEvents } from "../../../test/winrm-server/events.ts";
import { startWindowsSite, type WatchedDaemon, watchDaemon } from "../daemon/windows-site.fixture.ts";
import { THREAT_RULES } from "./threats.ts";

const site = await startWindowsSite();
afterAll(() => site.close());
const { cloud, winrm, config } = site;

const daemon = () => watchDaemon(config);
/** Ask for the next cycle now rather than waiting out the interval; false, so a probe polls on. */
const nudge = async (d: WatchedDaemon) => {
  await d.nudge();
  return false;
};
/** The chain head after the daemon's last cycle (what it has signed). */
const signedSeq = (d: WatchedDaemon) => Number(d.lines.findLast((l) => l.msg === "cycle done")?.seq ?? 0);
const statePath = join(dirname(config), "state", "state.db");
const storedEvents = () => {
  const db = new Database(statePath, { readonly: true });
  try {
    return db.query<{ n: number }, []>("SELECT count(*) AS n FROM winevt_event").get()!.n;
  } finally {
    db.close();
  }
};
const findings = (): Finding[] => cloud.state.bundles.flatMap((b) => b.findings);
const lockoutFindings = () => findings().filter((f) => f.checkId === THREAT_RULES.lockout.id);
/** Record ids of the lockouts each failing lockout finding reported, in chain order. */
const reportedLockouts = () =>
  lockoutFindings()
    .filter((f) => f.status === "fail")
    .flatMap((f) => (f.details.events as { recordId: number }[]).map((e) => e.recordId));

test("lockouts are each reported once across two kill -9s of the daemon", async () => {
  const first = daemon();
  try {
    // First contact: the bookmark starts at the log's end, and the rule reports a pass.
    await waitFor("the first threat verdict at the cloud", () => lockoutFindings().length > 0, {
      timeoutMs: 60_000,
    });
    const lockouts = 10;
    for (let i = 0; i < lockouts; i++)
      writeEvents(winrm.state.events.Security!, [
        ...failedLogons(300, `10.0.${i}.9`),
        { id: 4740, provider: "Microsoft-Windows-Security-Auditing", data: [`user-${i}`, "KIOSK"] },
      ]);
    const security = winrm.state.events.Security!;
    const written = security.records.filter((r) => r.id === 4740).map((r) => r.recordId);
    expect(written).toHaveLength(lockouts);
    // Killed as soon as its next cycle (asked for now) stored a first batch, before it signed a
    // bundle reporting it: those events must still be reported once, by the next daemon.
    await waitFor("a first batch of events stored", () => storedEvents() > 0 || nudge(first), {
      timeoutMs: 60_000,
      intervalMs: 10,
    });
  } finally {
    first.child.kill("SIGKILL");
  }
  await first.child.exited;
  expect(first.child.signalCode).toBe("SIGKILL");

  const second = daemon();
  try {
    await waitFor("a lockout reported at the cloud", () => reportedLockouts().length > 0 || nudge(second), {
      timeoutMs: 90_000,
    });
  } finally {
    second.child.kill("SIGKILL");
  }
  await second.child.exited;
  expect(second.child.signalCode).toBe("SIGKILL");

  const third = daemon();
  try {
    // Every batch read and reported (the lockout rule passes again: nothing new), through at least
    // two cycles of this daemon, and everything it signed uploaded.
    await waitFor(
      "every lockout reported, then a quiet lockout verdict, two cycles after the restart, all uploaded",
      () =>
        (reportedLockouts().length >= 10 &&
          lockoutFindings().at(-1)?.status === "pass" &&
          third.count("cycle done") >= 2 &&
          cloud.state.bundles.length >= signedSeq(third)) ||
        nudge(third),
      { timeoutMs: 90_000 },
    );
  } finally {
    third.child.kill("SIGTERM");
    await third.child.exited;
  }
  const lockoutIds = winrm.state.events.Security!.records.filter((r) => r.id === 4740).map((r) => r.recordId);
  // Every lockout in exactly one signed finding: none twice, none lost.
  expect(reportedLockouts().sort((a, b) => a - b)).toEqual(lockoutIds);
  // The store holds each event once, and all of them are marked reported.
  const db = new Database(statePath, { readonly: true });
  try {
    const rows = db
      .query<{ n: number; distinct_ids: number; unreported: number }, []>(
        "SELECT count(*) AS n, count(DISTINCT record_id) AS distinct_ids, sum(reported = 0) AS unreported FROM winevt_event WHERE log = 'Security'",
      )
      .get()!;
    expect(rows.n).toBe(rows.distinct_ids);
    expect(rows.n).toBe(3010);
    expect(rows.unreported).toBe(0);
  } finally {
    db.close();
  }
}, 300_000);
