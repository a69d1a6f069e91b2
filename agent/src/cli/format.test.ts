import { expect, test } from "bun:test";
import type { Io } from "./command.ts";
import { bytes, duration, table } from "./format.ts";
import { progress } from "./progress.ts";

test.each([
  [512, "512 B"],
  [5_734, "5.6 KB"],
  [536_870_912, "512 MB"],
  [3 * 1024 ** 4, "3.0 TB"],
])("bytes(%i) = %s", (n, s) => expect(bytes(n)).toBe(s));

test.each([
  [45, "45 s"],
  [600, "10 min"],
  [7_200, "2 h"],
  [3 * 86_400, "3 d"],
])("duration(%i) = %s", (n, s) => expect(duration(n)).toBe(s));

test("table aligns columns and leaves the last one ragged", () => {
  expect(
    table([
      ["a", "bb", "x"],
      ["ccc", "d", "yy"],
    ]),
  ).toEqual(["a    bb  x", "ccc  d   yy"]);
});

test("progress draws on a terminal only, and erases itself", () => {
  const io = (interactive: boolean): Io => ({ out: () => {}, err: () => {}, interactive });
  const drawn: string[] = [];
  const p = progress(io(true), (s) => drawn.push(s));
  p.update("[1/2] linux.firewall");
  p.done();
  expect(drawn[0]).toStartWith("\r\x1b[2K");
  expect(drawn[0]).toEndWith(" [1/2] linux.firewall");
  expect(drawn.at(-1)).toBe("\r\x1b[2K");
  const quiet: string[] = [];
  const q = progress(io(false), (s) => quiet.push(s));
  q.update("x");
  q.done();
  expect(quiet).toEqual([]);
});
