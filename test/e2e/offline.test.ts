import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cloudVerify, verifyExport } from "./harness/chain.ts";
import { Stack } from "./harness/stack.ts";
import { waitFor } from "./harness/wait.ts";

// The compiled agent against the real cloud process: take the cloud away for several check
// cycles, kill -9 the agent at random moments, bring the cloud back, and prove that every bundle
// the agent committed arrives, in order, with no gap, verifiable by the cloud and by an auditor.
const INTERVAL_SEC = 10;
const OUTAGE_CYCLES = 4;
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({ intervalSec: INTERVAL_SEC });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
}, 60_000);

type Status = { chain: { seq: number }; queue: { depth: number }; lastCycle: { at: string } | null };
const status = async () => (await stack.agent.status()) as unknown as Status;
const randomPause = () => Bun.sleep(Math.floor(Math.random() * INTERVAL_SEC * 1000));

describe("offline survival (compiled agent, real cloud)", () => {
  test("cloud down for several cycles, drift healed offline, agent killed -9 three times: every bundle arrives in order, no gap", async () => {
    await waitFor(
      "the first bundles at the cloud",
      async () => (await cloudVerify(stack.cloud, stack.siteId)).count >= 1,
      {
        timeoutMs: 60_000,
      },
    );
    await stack.cloud.stop();
    const atOutage = (await status()).chain.seq;
    const outageStart = new Date().toISOString();
    // Drift while the cloud is away: healing is local, so the agent fixes it offline.
    await stack.patchWindows({ firewall: { Public: { enabled: false } } });

    // Killed -9 at random points while offline: what it committed before each kill must stay.
    const committed: number[] = [];
    for (let i = 0; i < 2; i++) {
      await randomPause();
      committed.push((await status()).chain.seq);
      await stack.agent.kill9();
      await stack.agent.start();
      const after = (await status()).chain.seq;
      expect(after).toBeGreaterThanOrEqual(committed.at(-1)!);
    }
    // It keeps checking while the cloud is away. Evidence is change-based (the default): quiet
    // cycles are batched, so cycles are counted by their times, not by bundles.
    const cycles = new Set<string>();
    const offline = await waitFor(
      `${OUTAGE_CYCLES} cycles past the outage`,
      async () => {
        const s = await status();
        if (s.lastCycle) cycles.add(s.lastCycle.at);
        return cycles.size > OUTAGE_CYCLES ? s : undefined;
      },
      { timeoutMs: (OUTAGE_CYCLES + 3) * INTERVAL_SEC * 1000 },
    );
    // The drift and its fix were signed offline and wait in the queue.
    expect(offline.chain.seq).toBeGreaterThan(atOutage);
    expect(offline.queue.depth).toBeGreaterThanOrEqual(1);
    await waitFor(
      "the firewall healed while offline",
      async () => {
        const st = (await stack.windowsState()) as { firewall: { Public: { enabled: boolean } } };
        return st.firewall.Public.enabled;
      },
      { timeoutMs: 3 * INTERVAL_SEC * 1000 },
    );

    await stack.cloud.start();
    // One more kill while it catches up, mid-upload if the timing falls that way.
    await Bun.sleep(Math.floor(Math.random() * 1500));
    await stack.agent.kill9();
    await stack.agent.start();

    const target = (await status()).chain.seq;
    const verdict = await waitFor(
      `the cloud to hold the agent's chain up to #${target}`,
      async () => {
        const v = await cloudVerify(stack.cloud, stack.siteId);
        return v.ok && (v.heads?.[stack.applianceId]?.seq ?? 0) >= target ? v : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(verdict.ok).toBe(true);
    // No gap: the cloud's count of bundles equals the head's sequence number.
    expect(verdict.count).toBe(verdict.heads?.[stack.applianceId]?.seq ?? -1);
    expect(verdict.count).toBeGreaterThan(atOutage);

    const audit = await verifyExport(stack.cloud, stack.siteId, stack.agent.paths.bin, stack.dir);
    expect(audit.code).toBe(0);
    expect(audit.out).toContain(`OK: ${audit.lines.length} bundles verified`);
    const bundles = audit.lines.map(
      (l) =>
        JSON.parse(l) as {
          seq: number;
          receipts: { checkId: string; outcome: string; finishedAt: string }[];
        },
    );
    expect(bundles.map((b) => b.seq)).toEqual(bundles.map((_, i) => i + 1));
    // The receipt of the offline fix arrived with the rest.
    const offlineFix = bundles
      .flatMap((b) => b.receipts)
      .find((r) => r.checkId === "windows.firewall" && r.outcome === "fixed" && r.finishedAt > outageStart);
    expect(offlineFix).toBeDefined();
    // The drain caught up: nothing is left waiting on the appliance.
    await waitFor("the agent's queue to drain", async () => (await status()).queue.depth === 0, {
      timeoutMs: 60_000,
    });
  }, 240_000);
});
