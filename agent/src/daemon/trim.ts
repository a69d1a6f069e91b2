import { dlopen, FFIType } from "bun:ffi";
import { readFileSync, realpathSync } from "node:fs";

/** A range of the address space, as /proc/self/smaps lists it. */
export interface PageRange {
  start: bigint;
  length: bigint;
  residentKiB: number;
}

/**
 * The mappings of `file` that hold nothing but the file's own bytes: not writable, no dirty and
 * no anonymous pages. Dropping their pages loses nothing; the kernel reads them back from the
 * page cache on the next touch. Pure: takes the text of /proc/<pid>/smaps.
 */
export function cleanFileMappings(smaps: string, file: string): PageRange[] {
  const out: PageRange[] = [];
  let cur: (PageRange & { eligible: boolean; dirtyKiB: number; anonKiB: number }) | null = null;
  const close = () => {
    if (cur?.eligible && cur.dirtyKiB === 0 && cur.anonKiB === 0 && cur.residentKiB > 0) {
      out.push({ start: cur.start, length: cur.length, residentKiB: cur.residentKiB });
    }
  };
  for (const line of smaps.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      close();
      const start = BigInt(`0x${head[1]}`);
      cur = {
        start,
        length: BigInt(`0x${head[2]}`) - start,
        residentKiB: 0,
        eligible: head[4] === file && head[3]![1] !== "w" && head[3]![3] === "p",
        dirtyKiB: 0,
        anonKiB: 0,
      };
      continue;
    }
    const field = /^(Rss|Private_Dirty|Shared_Dirty|Anonymous):\s+(\d+) kB/.exec(line);
    if (!field || !cur) continue;
    const kib = Number(field[2]);
    if (field[1] === "Rss") cur.residentKiB = kib;
    else if (field[1] === "Anonymous") cur.anonKiB += kib;
    else cur.dirtyKiB += kib;
  }
  close();
  return out;
}

const MADV_DONTNEED = 4;
let madvise: ((addr: bigint, length: bigint, advice: number) => number) | null | undefined;

function loadMadvise() {
  if (madvise === undefined) {
    try {
      const libc = dlopen("libc.so.6", {
        madvise: { args: [FFIType.u64, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
      });
      madvise = (a, l, advice) => libc.symbols.madvise(a, l, advice);
    } catch {
      madvise = null;
    }
  }
  return madvise;
}

/**
 * Give back the resident pages of this process's executable that hold only the file's bytes
 * (the code and read-only data it touched while starting and running a cycle). They are clean
 * page-cache pages, so nothing is lost: what the next cycle runs faults back in from the cache.
 * Returns the KiB released; 0 where there is no /proc or no glibc (nothing to do there).
 */
export function trimExecutablePages(): number {
  const advise = loadMadvise();
  if (!advise) return 0;
  let smaps: string;
  let exe: string;
  try {
    smaps = readFileSync("/proc/self/smaps", "utf8");
    exe = realpathSync("/proc/self/exe");
  } catch {
    return 0;
  }
  let released = 0;
  for (const r of cleanFileMappings(smaps, exe)) {
    if (advise(r.start, r.length, MADV_DONTNEED) === 0) released += r.residentKiB;
  }
  return released;
}

/** Settling time after a cycle: JIT and GC threads go on touching code for a moment. */
const SETTLE_MS = 2_000;

/**
 * Trims the executable's pages once the process has settled after a cycle: `soon()` (re)arms a
 * timer that never keeps the process alive.
 */
export function pageTrimmer(
  trim: () => number = trimExecutablePages,
  settleMs = SETTLE_MS,
): { soon(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    soon() {
      clearTimeout(timer);
      timer = setTimeout(trim, settleMs);
      timer.unref();
    },
  };
}
