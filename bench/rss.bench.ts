/**
 * Memory of the compiled `malachor run` as the kernel charges it: proportional set size (PSS:
 * private pages plus a share of shared ones) and private memory, from /proc/<pid>/smaps_rollup,
 * idle and at its peak during a check cycle (target: idle PSS ≤ 60 MB), with PSS broken down by
 * mapping (the executable, anonymous memory, libraries, …) from /proc/<pid>/smaps. Also
 * `malachor status --json` latency against it (target ≤ 50 ms). Beside each figure its ceiling
 * measured in the same run: a compiled Bun program that does nothing (the floor every compiled Bun
 * program pays), one holding a bun:sqlite database, the same binary's whole module graph loaded and
 * idle, and `malachor --version` (process start alone). The daemon runs as systemd runs it: with
 * a notify socket and a watchdog (agent/src/daemon/sd-notify.ts), so the FFI call it sends through
 * is counted. Run no other process of the same binary meanwhile: PSS splits the executable's pages
 * among the processes that map them.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSntpServer } from "../agent/src/checks/sntp-server.fixture.ts";
import { writeTestConfig } from "../agent/src/daemon/test-config.fixture.ts";
import { malachorBinary } from "../test/support/binary.ts";
import { freePort } from "../test/support/ports.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-bench-rss-"));
const bin = malachorBinary();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const mib = (kib: number) => (kib / 1024).toFixed(1);
const mb = (kib: number) => ((kib * 1024) / 1e6).toFixed(1);

/** PSS, private and RSS of a process, in KiB. */
interface Memory {
  pss: number;
  private: number;
  rss: number;
}
function memory(pid: number): Memory {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
  return { pss: kib("Pss"), private: kib("Private_Clean") + kib("Private_Dirty"), rss: kib("Rss") };
}

/** PSS in KiB per kind of mapping, from /proc/<pid>/smaps. */
function pssByMapping(pid: number): Map<string, number> {
  const exe = realpathSync(`/proc/${pid}/exe`);
  const kindOf = (path: string, perms: string) => {
    if (path === exe)
      return perms[2] === "x"
        ? "executable: code"
        : perms[1] === "w"
          ? "executable: data"
          : "executable: read-only data";
    if (path === "" || path.startsWith("[anon")) return "anonymous (JS heap, malloc incl. SQLite page cache)";
    if (path === "[heap]") return "[heap] (brk)";
    if (path.startsWith("[stack")) return "stacks";
    if (path.endsWith("-shm")) return "SQLite WAL index (state.db-shm)";
    if (/\.so(\.|$)/.test(path)) return "shared libraries";
    return "other";
  };
  const out = new Map<string, number>();
  let kind = "other";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      kind = kindOf(head[2]!.trim(), head[1]!);
      continue;
    }
    const pss = /^Pss:\s+(\d+) kB/.exec(line);
    if (pss) out.set(kind, (out.get(kind) ?? 0) + Number(pss[1]));
  }
  return out;
}
const describeBreakdown = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${mib(v)}`)
    .join(", ");

// Ceilings: a compiled Bun program that does nothing, the smallest one holding a SQLite database
// open, and the binary's whole module graph loaded and idle (what main.ts can import).
async function compile(name: string, source: string): Promise<string> {
  const src = join(dir, `${name}.ts`);
  writeFileSync(src, source);
  const out = join(dir, name);
  const build = Bun.spawnSync([process.execPath, "build", src, "--compile", "--outfile", out], {
    stdout: "ignore",
    stderr: "inherit",
  });
  if (build.exitCode !== 0) throw new Error(`could not compile ${name}`);
  return out;
}
async function idleMemory(argv: string[]): Promise<Memory> {
  const p = Bun.spawn(argv, { stdout: "pipe" });
  await p.stdout.getReader().read();
  await Bun.sleep(2_000);
  const m = memory(p.pid);
  p.kill();
  await p.exited;
  return m;
}
const floor = await idleMemory([
  await compile("floor", `console.log("ready");\nsetInterval(() => {}, 1 << 30);\n`),
]);
const bare = await idleMemory([
  await compile(
    "bare",
    `import { Database } from "bun:sqlite";\nconst db = new Database(process.argv[2], { create: true });\ndb.run("PRAGMA journal_mode = WAL");\nconsole.log("ready");\nsetInterval(() => db.query("SELECT 1").get(), 1000);\n`,
  ),
  join(dir, "bare.db"),
]);
const modules = await idleMemory([
  await compile(
    "modules",
    `import { loadAllCommands } from ${JSON.stringify(join(import.meta.dir, "..", "agent", "src", "cli", "commands.ts"))};\nconsole.log((await loadAllCommands()).length);\nsetInterval(() => {}, 1000);\n`,
  ),
]);

const ntp = await startSntpServer();
const bind = `127.0.0.1:${freePort()}`;
const config = writeTestConfig(dir, { bind, ntpServers: [ntp.address] }); // checks every 10 s
const status = () =>
  Bun.spawnSync([bin, "status", "--json", "--config", config], { stdout: "pipe", stderr: "pipe" });

// systemd's end of the notify protocol: a unix datagram socket (Python's, as in
// agent/src/daemon/sd-notify.test.ts; Bun has none) that reads and drops READY=1, STATUS=…, WATCHDOG=1.
const notifySocket = join(dir, "notify.sock");
const systemd = Bun.spawn(
  [
    "/usr/bin/python3",
    "-c",
    `import socket, sys\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("bound", flush=True)\nwhile True: s.recv(4096)\n`,
    notifySocket,
  ],
  { stdout: "pipe" },
);
await systemd.stdout.getReader().read();
// WatchdogSec=20: WATCHDOG=1 every 10 s, within each sampling window below.
const daemon = Bun.spawn([bin, "run", "--config", config], {
  stdout: "ignore",
  stderr: "ignore",
  env: { ...process.env, NOTIFY_SOCKET: notifySocket, WATCHDOG_USEC: "20000000" },
});
for (let i = 0; i < 200; i++) {
  if (status().stdout.toString().includes('"lastCycle":{')) break;
  await Bun.sleep(50);
}
// Two check intervals sampled every 100 ms: the median is what it holds idle (most of the time),
// the peak is a cycle running. The breakdown is taken at the peak and again once idle.
const samples: Memory[] = [];
let peak: { m: Memory; byMapping: Map<string, number> } | undefined;
for (const end = Date.now() + 20_000; Date.now() < end; await Bun.sleep(100)) {
  const m = memory(daemon.pid);
  samples.push(m);
  if (!peak || m.pss > peak.m.pss) peak = { m, byMapping: pssByMapping(daemon.pid) };
}
const idle: Memory = {
  pss: median(samples.map((s) => s.pss)),
  private: median(samples.map((s) => s.private)),
  rss: median(samples.map((s) => s.rss)),
};
// Wait for a quiet moment (not within 3 s after a cycle started) for the idle breakdown.
const lastCycle = () =>
  (JSON.parse(status().stdout.toString()) as { lastCycle?: { at: string; durationMs: number } }).lastCycle;
const lastCycleAt = () => Date.parse(lastCycle()?.at ?? "0");
while (Date.now() - lastCycleAt() < 3_000) await Bun.sleep(200);
// The cycle as the daemon runs it (with its JIT policy, agent/src/cli/run.ts), beside bench/cycle.bench.ts.
const cycleMs = lastCycle()?.durationMs;
const idleByMapping = pssByMapping(daemon.pid);

const time = (args: string[]) => {
  const t = performance.now();
  const r = Bun.spawnSync([bin, ...args], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode === 2 || r.exitCode === 3) throw new Error(`malachor ${args.join(" ")}: ${r.stderr}`);
  return performance.now() - t;
};
const statusMs: number[] = [];
const versionMs: number[] = [];
for (let i = 0; i < 21; i++) {
  versionMs.push(time(["--version"]));
  statusMs.push(time(["status", "--json", "--config", config]));
}
daemon.kill("SIGTERM");
await daemon.exited;
systemd.kill();
await systemd.exited;
ntp.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `malachor run, idle: PSS ${mib(idle.pss)} MiB = ${mb(idle.pss)} MB (target ≤ 60 MB), private ${mib(idle.private)} MiB, RSS ${mib(idle.rss)} MiB; ` +
    `peak during a cycle: PSS ${mib(peak!.m.pss)} MiB, private ${mib(peak!.m.private)} MiB ` +
    `(ceilings: a compiled Bun program doing nothing PSS ${mib(floor.pss)} MiB / private ${mib(floor.private)} MiB; ` +
    `bare compiled Bun + bun:sqlite PSS ${mib(bare.pss)} MiB / private ${mib(bare.private)} MiB; ` +
    `every agent module loaded, idle: PSS ${mib(modules.pss)} MiB / private ${mib(modules.private)} MiB)`,
);
console.log(`  idle PSS by mapping (MiB): ${describeBreakdown(idleByMapping)}`);
console.log(`  the daemon's last check cycle: ${cycleMs} ms (target ≤ 1 s)`);
console.log(`  peak PSS by mapping (MiB): ${describeBreakdown(peak!.byMapping)}`);
console.log(
  `malachor status --json: median ${median(statusMs).toFixed(1)} ms, p95 ${p95(statusMs).toFixed(1)} ms (target ≤ 50 ms; malachor --version ceiling ${median(versionMs).toFixed(1)} ms)`,
);
