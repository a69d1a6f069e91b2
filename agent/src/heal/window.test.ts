import { expect, test } from "bun:test";
import { inWindow } from "./window.ts";

const at = (hh: number, mm: number) => new Date(2026, 10, 25, hh, mm);

test.each([
  [null, at(12, 0), true],
  [{ start: "22:00", end: "05:00" }, at(23, 30), true],
  [{ start: "22:00", end: "05:00" }, at(4, 59), true],
  [{ start: "22:00", end: "05:00" }, at(5, 0), false],
  [{ start: "22:00", end: "05:00" }, at(12, 0), false],
  [{ start: "09:00", end: "17:00" }, at(9, 0), true],
  [{ start: "09:00", end: "17:00" }, at(17, 0), false],
  [{ start: "00:00", end: "00:00" }, at(3, 0), true],
])("window %p at %p → %p", (w, when, want) => {
  expect(inWindow(w, when)).toBe(want);
});
