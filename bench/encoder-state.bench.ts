/**
 * The cost of saving the change encoder's state (agent/src/evidence/encoder-store.ts) for a
 * 750-finding cycle beside the cost of the cycle's bundle write (sign, archive, enqueue, head), on
 * a state database as the daemon opens it (WAL, synchronous=FULL): a snapshot cycle (every
 * finding saved), a delta cycle (5 findings changed) and a quiet cycle (no bundle, the quiet times
 * saved), each alone and together in one transaction as the daemon runs them; "full" evidence's
 * 750-finding bundle for comparison. Ceiling: an empty fsync'd commit (one meta row). Medians.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChainStore } from "../agent/src/evidence/chain-store.ts";
import {
  type ChangeEncoderState,
  encodeCycle,
  newEncoderState,
} from "../agent/src/evidence/change-encoder.ts";
import { simulatedClinic } from "../agent/src/evidence/clinic-sim.fixture.ts";
import { saveEncoderState } from "../agent/src/evidence/encoder-store.ts";
import { loadIdentity } from "../agent/src/evidence/identity.ts";
import { openStateDb, setMeta } from "../agent/src/queue/db.ts";
import { Queue } from "../agent/src/queue/queue.ts";
import type { Finding } from "../protocol/finding.ts";

const quick = process.argv.includes("--quick");
const rounds = quick ? 5 : 20;
const dir = mkdtempSync(join(tmpdir(), "malachor-encoder-bench-"));
const db = openStateDb(join(dir, "state.db"));
const chain = new ChainStore(
  new Queue(db, { maxBytes: 1e12 }),
  { siteId: "clinic", applianceId: "app-1" },
  loadIdentity(join(dir, "identity.key"), { create: true }),
);
const clinic = simulatedClinic(24, 1440);
let minute = 0;
const nextAt = () => new Date(Date.UTC(2026, 11, 1) + minute++ * 60_000);
const cycleFindings = (at: Date) => clinic.cycle(at).slice(0, 750);
let enc: ChangeEncoderState = newEncoderState();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timed = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

// One cycle encoded; its bundle write and the state save timed as separate transactions, or as one.
function cycle(findings: Finding[], opts: { snapshot?: boolean; together?: boolean }) {
  const at = nextAt().toISOString();
  const r = encodeCycle(enc, findings, at, { snapshot: opts.snapshot, quietFlushMs: 86_400_000 });
  const prev = enc;
  const append = () => {
    for (const c of r.contents) chain.append(c);
  };
  const save = () =>
    saveEncoderState(db, "app-1", prev, r.next, r.contents.length ? chain.head() : undefined);
  enc = r.next;
  const both = () => {
    append();
    save();
  };
  if (opts.together) return { together: timed(() => chain.atomically(both)) };
  return { bundle: timed(() => chain.atomically(append)), save: timed(() => chain.atomically(save)) };
}

// A delta: the previous state with `n` findings flipped.
function drifted(n: number): Finding[] {
  const at = nextAt().toISOString();
  return [...enc.state.values()].map((f, i) =>
    i < n
      ? { ...f, status: f.status === "fail" ? "pass" : "fail", observedAt: at }
      : { ...f, observedAt: at },
  );
}

const out: Record<string, number[]> = {};
const add = (k: string, v: number | undefined) => {
  if (v !== undefined) out[k] = [...(out[k] ?? []), v];
};
cycle(cycleFindings(nextAt()), { snapshot: true }); // warm-up
for (let i = 0; i < rounds; i++) {
  const s = cycle(cycleFindings(nextAt()), { snapshot: true });
  add("snapshot bundle", s.bundle);
  add("snapshot save", s.save);
  add("snapshot both, one tx", cycle(cycleFindings(nextAt()), { snapshot: true, together: true }).together);
  for (let j = 0; j < 5; j++) {
    const d = cycle(drifted(5), {});
    add("delta(5) bundle", d.bundle);
    add("delta(5) save", d.save);
    add("delta(5) both, one tx", cycle(drifted(5), { together: true }).together);
    const q = cycle([...enc.state.values()], {});
    add("quiet save (no bundle)", q.save);
  }
  const full = cycleFindings(nextAt());
  add(
    "full: 750-finding check-cycle bundle",
    timed(() => chain.append({ kind: "check-cycle", createdAt: full[0]!.observedAt, findings: full })),
  );
  add(
    "ceiling: empty fsync'd commit",
    timed(() => chain.atomically(() => setMeta(db, "bench.tick", String(i)))),
  );
}
const load = (await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ");
console.log(`encoder state, 750 findings, ${rounds} rounds, load average ${load} (median ms):`);
for (const [k, xs] of Object.entries(out)) console.log(`  ${k.padEnd(40)} ${median(xs).toFixed(2)} ms`);
const savedBytes = db
  .query<{ n: number }, []>("SELECT sum(length(finding)) AS n FROM encoder_finding")
  .get()!.n;
console.log(`  saved state: ${enc.state.size} rows, ${Math.round(savedBytes / 1024)} KiB`);
db.close();
rmSync(dir, { recursive: true, force: true });
