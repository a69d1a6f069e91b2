/**
 * The change encoder's saved state survives kill -9 of the daemon. `malachor run` (from source,
 * evidence = "changes", the default) checks the WinRM test server and this machine; before each
 * start the Windows host drifts, and the daemon is killed -9 at a random moment of its first cycle,
 * six times, then run through one cycle and stopped. Then: its own copy of the chain, exported and
 * checked by `malachor evidence verify` (the verdict of record, state digests included), verifies;
 * the state rebuilt from it at its head is what the last cycle observed, the Windows drift
 * included; no sequence number is missing or repeated, on the appliance or at the cloud; and no
 * start ever found its saved state out of step with the chain.
 */
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { dirname, join } from "node:path";
import { bundleHash, type EvidenceBundle } from "../../../protocol/evidence.ts";
import type { Finding } from "../../../protocol/finding.ts";
import { stateDigest } from "../../../protocol/state.ts";
import { DEFAULT_SITE_CONFIG } from "../../../protocol/sync.ts";
import { waitFor } from "../../../test/e2e/harness/wait.ts";
import { runCli } from "../cli/testing.ts";
import { loadEncoderState } from "../evidence/encoder-store.ts";
import { startWindowsSite, watchDaemon } from "./windows-site.fixture.ts";

const site = await startWindowsSite();
afterAll(() => site.close());
const { cloud, winrm, config } = site;
const statePath = join(dirname(config), "state", "state.db");

const daemon = () => watchDaemon(config);

// Drifts applied in turn before each start: each flips a setting a Windows check reports.
const w = winrm.state;
const drifts = [
  () => {
    w.firewall.Public.enabled = !w.firewall.Public.enabled;
  },
  () => {
    w.smb.enableSMB1Protocol = !w.smb.enableSMB1Protocol;
  },
  () => {
    w.defender.realTimeProtectionEnabled = !w.defender.realTimeProtectionEnabled;
  },
];

test("kill -9 mid-cycle six times: the chain verifies, its state is the hosts', no seq lost or repeated", async () => {
  // Healing paused once synced, so the drifts stay what the host is.
  cloud.siteConfig = {
    ...DEFAULT_SITE_CONFIG,
    version: 2,
    healing: { paused: true, dryRun: false, enabledRunbooks: [] },
  };
  const runs: ReturnType<typeof daemon>[] = [];
  // A first run: the snapshot, the site config, and how long start-up to a signed cycle takes here.
  const first = daemon();
  runs.push(first);
  await waitFor("the loop to start", () => first.saw("malachor running"), {
    timeoutMs: 60_000,
    intervalMs: 5,
  });
  const began = performance.now();
  await waitFor("the first cycle", () => first.saw("cycle done"), { timeoutMs: 120_000, intervalMs: 5 });
  const cycleMs = performance.now() - began;
  await waitFor("the site config", () => first.saw("site config applied"), {
    timeoutMs: 60_000,
    intervalMs: 20,
  });
  first.child.kill("SIGKILL");
  await first.child.exited;

  // Even rounds: the host drifted, killed at a random moment of the cycle (before it signed, or
  // while it commits). Odd rounds: nothing drifted, killed just after a quiet cycle committed (its
  // time saved, not signed): the next change must still prove it.
  let midCycle = 0;
  for (let i = 0; i < 6; i++) {
    if (i % 2 === 0) drifts[(i / 2) % drifts.length]!();
    const run = daemon();
    runs.push(run);
    await waitFor("the daemon's loop to start", () => run.saw("malachor running"), {
      timeoutMs: 60_000,
      intervalMs: 5,
    });
    if (i % 2 === 0) await Bun.sleep(Math.floor(Math.random() * cycleMs));
    else {
      // The first cycle signs what the last round's kill left unsigned; a second one, asked for
      // through the local API, is quiet.
      await waitFor("a first cycle", () => run.saw("cycle done"), { timeoutMs: 120_000, intervalMs: 5 });
      await waitFor(
        "a quiet cycle",
        async () => {
          if (run.count("cycle done") >= 2) return true;
          await run.nudge();
          return false;
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      await Bun.sleep(Math.floor(Math.random() * 100));
    }
    run.child.kill("SIGKILL");
    await run.child.exited;
    expect(run.child.signalCode).toBe("SIGKILL");
    await run.reading;
    if (!run.saw("cycle done")) midCycle++;
  }
  // Some kills landed before the drifted cycle finished (the odd rounds' after it).
  expect(midCycle).toBeGreaterThan(0);

  drifts[0]!();
  const last = daemon();
  runs.push(last);
  await waitFor("a whole cycle", () => last.saw("cycle done"), { timeoutMs: 120_000, intervalMs: 20 });
  last.child.kill("SIGTERM");
  await last.child.exited;
  await last.reading;

  // No start found its saved encoder state out of step with the chain (saved in one transaction).
  for (const r of runs) expect(r.lines.filter((l) => l.msg.includes("encoder state rebuilt"))).toEqual([]);

  // The appliance's own copy, checked by the verifier of record: signatures, links, every digest.
  const out = join(dirname(config), "chain.jsonl");
  expect((await runCli(["evidence", "export", "--out", out, "--config", config])).code).toBe(0);
  const at = new Date().toISOString();
  const verdict = await runCli(["evidence", "verify", out, "--pubkey", `${out}.keys`, "--at", at, "--json"]);
  expect(verdict.err).toBe("");
  expect(verdict.code).toBe(0);
  const { states } = JSON.parse(verdict.out) as {
    states: { ok: boolean; seq: number; findings: Finding[] }[];
  };
  expect(states).toHaveLength(1);
  const rebuilt = states[0]!;
  expect(rebuilt.ok).toBe(true);

  const bundles = (await Bun.file(out).text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as EvidenceBundle);
  // No sequence number missing or repeated; restarts carried on from the saved state (one snapshot).
  expect(bundles.map((b) => b.seq)).toEqual(bundles.map((_, i) => i + 1));
  expect(bundles.filter((b) => b.kind === "state-snapshot")).toHaveLength(1);
  // The quiet cycles saved before a kill are proven by a later delta (their times and digest).
  const quiet = bundles.flatMap((b) => (b.v === 2 ? (b.state?.quiet?.at ?? []) : []));
  expect(quiet.length).toBeGreaterThanOrEqual(3);
  // The cloud holds a prefix of the same chain, each bundle once.
  const held = cloud.state.bundles;
  expect(held.map((b) => b.seq)).toEqual(held.map((_, i) => i + 1));
  expect(held.map(bundleHash)).toEqual(bundles.slice(0, held.length).map(bundleHash));

  // The state rebuilt from the chain is what the last cycle observed (its status snapshot).
  const db = new Database(statePath, { readonly: true });
  try {
    const snapshot = JSON.parse(
      db.query<{ value: string }, []>("SELECT value FROM meta WHERE name = 'status.snapshot'").get()!.value,
    ) as { findings: Finding[] };
    expect(rebuilt.findings.length).toBe(snapshot.findings.length);
    expect(stateDigest(rebuilt.findings)).toBe(stateDigest(snapshot.findings));
    // And the encoder's saved state is the chain's.
    expect(loadEncoderState(db, "app-1").origin).toEqual({ from: "saved" });
  } finally {
    db.close();
  }
  // The simulated host's drifts, as the host now stands.
  const status = (checkId: string) => rebuilt.findings.find((f) => f.checkId === checkId)?.status;
  expect(status("windows.firewall")).toBe(w.firewall.Public.enabled ? "pass" : "fail");
  expect(status("windows.defender")).toBe(w.defender.realTimeProtectionEnabled ? "pass" : "fail");
}, 600_000);
