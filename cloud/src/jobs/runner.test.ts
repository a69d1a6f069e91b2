import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { systemClock } from "../clock.ts";
import { jobLeases } from "../db/schema/runtime.ts";
import { describeEachDb } from "../testing/each-db.ts";
import type { Job } from "./job.ts";
import { LeaseLostError, startJobs } from "./runner.ts";

/** Wait (polling) until `cond` holds; fails the test after `ms`. */
async function until(cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await Bun.sleep(20);
  }
}

describeEachDb("job runner", (cloud) => {
  test("a run longer than its lease keeps it (renewed): a second instance never runs the job at the same time", async () => {
    // Real time, so an unrenewed lease would expire in the middle of a run.
    const deps = { ...cloud().deps, clock: systemClock };
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const job: Job = {
      name: "slow",
      everyMs: 20,
      leaseMs: 1000,
      run: async (_d, signal) => {
        active++;
        runs++;
        maxActive = Math.max(maxActive, active);
        // 1.5 leases long; stops early if told to, as a real job does.
        for (let i = 0; i < 30 && !signal.aborted; i++) await Bun.sleep(50);
        active--;
      },
    };
    const one = startJobs(deps, [job]);
    const two = startJobs(deps, [job]);
    try {
      await until(() => runs >= 2);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
    expect(maxActive).toBe(1);
  }, 30_000);

  test("a run whose lease another instance took is told to stop, and stop() leaves that lease alone", async () => {
    const c = cloud();
    let began = false;
    let stoppedBy: unknown = null;
    const job: Job = {
      name: "stolen",
      everyMs: 20,
      leaseMs: 300,
      run: (_d, signal) =>
        new Promise<void>((resolve) => {
          began = true;
          const give = setTimeout(resolve, 15_000);
          signal.addEventListener("abort", () => {
            stoppedBy = signal.reason;
            clearTimeout(give);
            resolve();
          });
        }),
    };
    const runner = startJobs(c.deps, [job], { holder: "me" });
    try {
      await until(() => began);
      // What an instance does when it finds the lease expired: it becomes the holder.
      await c.deps.db.update(jobLeases).set({ holder: "thief" }).where(eq(jobLeases.name, "stolen"));
      await until(() => stoppedBy !== null);
    } finally {
      await runner.stop();
    }
    expect(stoppedBy).toBeInstanceOf(LeaseLostError);
    expect((stoppedBy as Error).message).toBe("stolen: lease lost (taken by another instance)");
    const logged = (c.deps.logger as unknown as { lines: Record<string, unknown>[] }).lines;
    expect(logged).toContainEqual(
      expect.objectContaining({ level: "warn", msg: "job lease lost; stopping the run", job: "stolen" }),
    );
    const [lease] = await c.deps.db.select().from(jobLeases).where(eq(jobLeases.name, "stolen"));
    expect(lease?.holder).toBe("thief");
  }, 30_000);

  test("stop() gives held leases back, so another instance takes over at once", async () => {
    const c = cloud();
    let runs = 0;
    const job: Job = { name: "quick", everyMs: 20, run: async () => void runs++ };
    const runner = startJobs(c.deps, [job], { holder: "leaving" });
    await until(() => runs >= 1);
    await runner.stop();
    expect(await c.deps.db.select().from(jobLeases).where(eq(jobLeases.name, "quick"))).toEqual([]);
  });
});
