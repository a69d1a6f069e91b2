import { expect, test } from "bun:test";
import { Limiter } from "./limiter.ts";

test("at most `limit` run at once; the rest wait in order and all finish, failures included", async () => {
  const limiter = new Limiter(3);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const jobs = Array.from({ length: 10 }, (_, i) =>
    limiter.run(async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await Bun.sleep(5);
      running--;
      if (i === 4) throw new Error("job 4 failed");
      return i;
    }),
  );
  const results = await Promise.allSettled(jobs);
  expect(peak).toBe(3);
  expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
  expect(await limiter.run(async () => "free again")).toBe("free again");
});
