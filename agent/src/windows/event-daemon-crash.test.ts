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
import { spawnDaemon, startWindowsSite } from "../daemon/windows-site.fixture.ts";
import { THREAT_RULES } from "./threats.ts";

const site = await startWindowsSite();
afterAll(() => site.close());
const { cloud, winrm, config } = site;

const daemon = () => spawnDaemon(config);
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
    // Killed as soon as its next cycle stored a first batch, before it signed a bundle reporting
    // it: those events must still be reported once, by the next daemon.
    await waitFor("a first batch of events stored", () => storedEvents() > 0, {
      timeoutMs: 60_000,
      intervalMs: 10,
    });
  } finally {
    first.kill("SIGKILL");
  }
  await first.exited;
  expect(first.signalCode).toBe("SIGKILL");

  const second = daemon();
  try {
    await waitFor("a lockout reported at the cloud", () => reportedLockouts().length > 0, {
      timeoutMs: 90_000,
    });
  } finally {
    second.kill("SIGKILL");
  }
  await second.exited;
  expect(second.signalCode).toBe("SIGKILL");

  const third = daemon();
  const seen = cloud.state.bundles.length;
  try {
    // Two more cycles after the restart, with every bundle signed before it uploaded.
    await waitFor(
      "two more cycles at the cloud",
      () =>
        lockoutFindings().length >= 2 &&
        cloud.state.bundles.length >= seen + 2 &&
        reportedLockouts().length >= 10,
      { timeoutMs: 90_000 },
    );
  } finally {
    third.kill("SIGTERM");
    await third.exited;
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
