import { expect, test } from "bun:test";
import { readFileSync, realpathSync } from "node:fs";
import { cleanFileMappings, pageTrimmer, trimExecutablePages } from "./trim.ts";

const EXE = "/opt/malachor/bin/malachor";
const mapping = (range: string, perms: string, path: string, rss: number, dirty = 0, anon = 0) =>
  [
    `${range} ${perms} 00000000 fe:00 5308446                            ${path}`,
    `Size:              40000 kB`,
    `Rss:               ${rss} kB`,
    `Shared_Dirty:          0 kB`,
    `Private_Dirty:     ${dirty} kB`,
    `Anonymous:         ${anon} kB`,
    `VmFlags: rd mr mw me`,
  ].join("\n");

test("only the executable's unwritable, wholly clean, private, resident mappings are chosen", () => {
  const smaps = [
    mapping("00200000-01a39000", "r--p", EXE, 6244), // headers + rodata: clean
    mapping("01a40000-0684a000", "r-xp", EXE, 35728), // code: clean
    mapping("0684a000-0685f000", "rw-p", EXE, 84, 84), // data: writable
    mapping("0685f000-06867000", "r--p", EXE, 32, 32), // RELRO: written by the loader
    mapping("06867000-07219000", "r--p", EXE, 0), // nothing resident
    mapping("07300000-07400000", "r--s", EXE, 100), // shared
    mapping("07400000-07500000", "r--p", EXE, 100, 0, 4), // copy-on-write anonymous pages
    mapping("7f0000000000-7f0000100000", "r-xp", "/usr/lib/x86_64-linux-gnu/libc.so.6", 1500),
    mapping("7f0000200000-7f0000300000", "rw-p", "", 10000, 10000, 10000),
  ].join("\n");
  expect(cleanFileMappings(smaps, EXE)).toEqual([
    { start: 0x200000n, length: 0x1839000n, residentKiB: 6244 },
    { start: 0x1a40000n, length: 0x4e0a000n, residentKiB: 35728 },
  ]);
  expect(cleanFileMappings(smaps, "/other")).toEqual([]);
});

const exeResidentKiB = () => {
  const exe = realpathSync("/proc/self/exe");
  return cleanFileMappings(readFileSync("/proc/self/smaps", "utf8"), exe).reduce(
    (a, r) => a + r.residentKiB,
    0,
  );
};

test("on this very process: the pages go, and everything still runs (they fault back in)", () => {
  const before = exeResidentKiB();
  expect(before).toBeGreaterThan(1024);
  const released = trimExecutablePages();
  expect(released).toBeGreaterThan(0);
  expect(exeResidentKiB()).toBeLessThan(before / 2);
  // Code paths from all over the runtime, after their pages were dropped.
  expect(JSON.parse(JSON.stringify({ a: [1, 2] }))).toEqual({ a: [1, 2] });
  expect(new Bun.CryptoHasher("sha256").update("x").digest("hex")).toHaveLength(64);
  expect(Bun.spawnSync(["true"]).exitCode).toBe(0);
});

test("pageTrimmer trims once, after the process has settled, however often it is armed", async () => {
  let trims = 0;
  const t = pageTrimmer(() => ++trims, 30);
  t.soon();
  t.soon();
  expect(trims).toBe(0);
  await Bun.sleep(80);
  expect(trims).toBe(1);
});
