import { expect, test } from "bun:test";
import { describeEachDb } from "../testing/each-db.ts";
import { releaseLease, tryLease } from "./lease.ts";

describeEachDb("job leases", (cloud) => {
  test("one holder at a time; renewable by its holder; free after expiry or release", async () => {
    const { db } = cloud().deps;
    const clock = cloud().clock;
    expect(await tryLease(db, clock, "job", 10_000, "one")).toBe(true);
    expect(await tryLease(db, clock, "job", 10_000, "two")).toBe(false);
    expect(await tryLease(db, clock, "job", 10_000, "one")).toBe(true);
    clock.advance(10_001);
    expect(await tryLease(db, clock, "job", 10_000, "two")).toBe(true);
    expect(await tryLease(db, clock, "job", 10_000, "one")).toBe(false);
    await releaseLease(db, "job", "two");
    expect(await tryLease(db, clock, "job", 10_000, "one")).toBe(true);
  });

  test("concurrent takers: exactly one wins", async () => {
    const { db } = cloud().deps;
    const wins = await Promise.all(
      Array.from({ length: 8 }, (_, i) => tryLease(db, cloud().clock, "race", 10_000, `h${i}`)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
  });
});
