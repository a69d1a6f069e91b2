import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "../../../protocol/finding.ts";
import { type FindingState, stateDigest } from "../../../protocol/state.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { openStateDb } from "../queue/db.ts";
import { Queue } from "../queue/queue.ts";
import { ChainStore } from "./chain-store.ts";
import { type ChangeEncoderState, encodeCycle, newEncoderState } from "./change-encoder.ts";
import { loadEncoderState, saveEncoderState } from "./encoder-store.ts";
import { loadIdentity } from "./identity.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-encoder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ids = { siteId: "site-a", applianceId: "app-1" };
let n = 0;

/** A state database with a chain, and a cycle runner that does what the daemon does in one transaction. */
function appliance() {
  const name = `e${++n}`;
  const identity = loadIdentity(join(dir, `${name}.key`), { create: true });
  const db = openStateDb(join(dir, `${name}.db`));
  const chain = new ChainStore(new Queue(db, { maxBytes: 1e9 }), ids, identity);
  let enc: ChangeEncoderState = newEncoderState();
  let minute = 0;
  const cycle = (findings: Finding[], opts: { save?: boolean } = {}) => {
    const at = new Date(Date.UTC(2026, 11, 1, 8, minute++)).toISOString();
    const r = encodeCycle(enc, findings, at);
    chain.atomically(() => {
      for (const c of r.contents) chain.append(c);
      if (opts.save !== false)
        saveEncoderState(db, ids.applianceId, enc, r.next, r.contents.length ? chain.head() : undefined);
    });
    enc = r.next;
    return r;
  };
  return { db, chain, cycle, current: () => enc };
}

const hosts = ["win-01", "win-02", "lnx-1"];
const fleet = (fail: Set<string> = new Set()): Finding[] =>
  hosts.flatMap((host) =>
    ["windows.firewall", "windows.bitlocker"].map((checkId) =>
      sampleFinding({
        checkId,
        host,
        status: fail.has(`${checkId}@${host}`) ? "fail" : "pass",
        details: { sampled: Math.random() },
      }),
    ),
  );
const view = (s: ChangeEncoderState) => ({
  digest: stateDigest(s.state.values()),
  keys: [...s.state.keys()].sort(),
  lastSnapshotAt: s.lastSnapshotAt,
  quiet: s.quiet,
});
const findingsOf = (state: FindingState) =>
  [...state.values()].sort((a, b) => (a.host + a.checkId < b.host + b.checkId ? -1 : 1));

describe("the change encoder's saved state", () => {
  test("saved with each cycle and loaded as it was: state, last snapshot, quiet cycles", () => {
    const a = appliance();
    a.cycle(fleet());
    a.cycle(fleet(new Set(["windows.firewall@win-02"])));
    a.cycle(fleet(new Set(["windows.firewall@win-02"]))); // quiet
    a.cycle(fleet(new Set(["windows.firewall@win-02"]))); // quiet
    const loaded = loadEncoderState(a.db, ids.applianceId);
    expect(loaded.origin).toEqual({ from: "saved" });
    expect(view(loaded.state)).toEqual(view(a.current()));
    expect(loaded.state.quiet).toHaveLength(2);
    // The saved findings are those the chain carries (the objects the encoder keeps), field for field.
    expect(findingsOf(loaded.state.state)).toEqual(findingsOf(a.current().state));
    // Carrying on from the loaded state gives the bundles the running encoder would have written.
    const next = fleet();
    const at = "2026-12-01T09:00:00.000Z";
    expect(encodeCycle(loaded.state, next, at).contents).toEqual(encodeCycle(a.current(), next, at).contents);
  });

  test("a cycle writes only the findings whose state changed; a quiet one none", () => {
    const a = appliance();
    a.cycle(fleet());
    const rowsChanged = (f: () => void) => {
      const before = a.db.query<{ c: number }, []>("SELECT total_changes() AS c").get()!.c;
      f();
      return a.db.query<{ c: number }, []>("SELECT total_changes() AS c").get()!.c - before;
    };
    // Quiet: the encoder_state row only (the chain is not written).
    expect(rowsChanged(() => a.cycle(fleet()))).toBe(1);
    // A one-finding delta writes that finding's row and the state row beside the chain's own writes
    // (measured on the next one-finding delta, not saved).
    const saved = rowsChanged(() => a.cycle(fleet(new Set(["windows.bitlocker@lnx-1"]))));
    const chainOnly = rowsChanged(() =>
      a.cycle(fleet(new Set(["windows.bitlocker@lnx-1", "windows.bitlocker@win-01"])), { save: false }),
    );
    expect(saved - chainOnly).toBe(2);
    const row = a.db
      .query<{ finding: string }, []>(
        "SELECT finding FROM encoder_finding WHERE check_id = 'windows.bitlocker' AND host = 'lnx-1'",
      )
      .get()!;
    expect(JSON.parse(row.finding).status).toBe("fail");
  });

  test.each([
    [
      "a hand-edited finding row",
      (a: ReturnType<typeof appliance>) =>
        a.db.run(
          `UPDATE encoder_finding SET finding = json_set(finding, '$.status', 'pass') WHERE host = 'win-02' AND check_id = 'windows.firewall'`,
        ),
      "saved findings do not match the digest bundle",
    ],
    [
      "a row that is not a finding",
      (a: ReturnType<typeof appliance>) =>
        a.db.run("UPDATE encoder_finding SET finding = '{\"checkId\":1}' WHERE host = 'lnx-1'"),
      "malformed",
    ],
    [
      "a state bundle appended without saving (an earlier agent version, a lost write)",
      (a: ReturnType<typeof appliance>) =>
        a.cycle(fleet(new Set(["windows.bitlocker@win-01"])), { save: false }),
      "but the chain's last state bundle is",
    ],
    [
      "no saved state beside a chain of state bundles (an upgrade)",
      (a: ReturnType<typeof appliance>) => a.db.run("DELETE FROM encoder_state"),
      "no saved encoder state",
    ],
  ])("%s: rebuilt from the chain, then saved again", (_, spoil, why) => {
    const a = appliance();
    a.cycle(fleet());
    a.cycle(fleet(new Set(["windows.firewall@win-02"])));
    spoil(a);
    const loaded = loadEncoderState(a.db, ids.applianceId);
    expect(loaded.origin).toMatchObject({ from: "chain", seq: a.chain.head().seq });
    expect(loaded.origin.from === "chain" && loaded.origin.why).toContain(why);
    // The chain's state: what the last bundle's digest proves (the saved quiet cycles are not in it).
    const last = a.chain.bundlesAfter(a.chain.head().seq - 1)[0]!;
    expect(last.v === 2 && last.state?.digest).toBe(stateDigest(loaded.state.state.values()));
    expect(loaded.state.lastSnapshotAt).toBe(a.chain.bundlesAfter(0)[0]!.createdAt);
    expect(loadEncoderState(a.db, ids.applianceId).origin).toEqual({ from: "saved" });
  });

  test("a chain without a snapshot gives a fresh state; a tampered archive too, saying why", () => {
    const empty = appliance();
    expect(loadEncoderState(empty.db, ids.applianceId).origin).toEqual({
      from: "fresh",
      why: "no saved encoder state; the archived chain holds no state snapshot",
    });
    const a = appliance();
    a.cycle(fleet());
    a.cycle(fleet(new Set(["windows.firewall@win-02"])));
    a.db.run("DELETE FROM encoder_state");
    a.db.run(
      `UPDATE evidence SET bundle = replace(bundle, '"status":"fail"', '"status":"pass"') WHERE seq = 2`,
    );
    const loaded = loadEncoderState(a.db, ids.applianceId);
    expect(loaded.origin.from).toBe("fresh");
    expect(loaded.origin.from === "fresh" && loaded.origin.why).toContain(
      "app-1#2: the state rebuilt through it does not match its digest",
    );
    expect(loaded.state).toEqual(newEncoderState());
    expect(a.db.query("SELECT count(*) AS n FROM encoder_finding").get()).toEqual({ n: 0 });
  });

  test("the state of another chain (re-enrolled) is not taken for this one", () => {
    const a = appliance();
    a.cycle(fleet());
    const other = loadEncoderState(a.db, "app-2");
    expect(other.origin.from).toBe("fresh");
    expect(other.origin.from === "fresh" && other.origin.why).toContain(
      "saved encoder state is of chain app-1, not app-2",
    );
  });
});
