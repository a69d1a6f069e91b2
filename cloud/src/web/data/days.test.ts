import { expect, test } from "bun:test";
import { dayKeys, windowStart } from "./days.ts";

test("a window of n days ends today and starts at midnight UTC", () => {
  const now = new Date("2026-03-01T23:59:00.000Z");
  expect(windowStart(now, 3).toISOString()).toBe("2026-02-27T00:00:00.000Z");
  expect(dayKeys(now, 3)).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  expect(dayKeys(now, 1)).toEqual(["2026-03-01"]);
});
