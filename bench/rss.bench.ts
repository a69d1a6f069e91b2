/**
 * Idle RSS of the compiled `malachor run` (target ≤ 45 MB; also its peak during a cycle, and both
 * with page trimming off) and `malachor status --json` latency against it (target ≤ 50 ms), each
 * beside its ceiling measured in the same run: a bare compiled Bun program holding a bun:sqlite
 * database, and `malachor --version` (process start alone).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSntpServer } from "../agent/src/checks/sntp-server.fixture.ts";
import { writeTestConfig } from "../agent/src/daemon/test-config.fixture.ts";
import { malachorBinary } from "../test/support/binary.ts";
import { freePort } from "../test/support/ports.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-bench-rss-"));
const bin = malachorBinary();
const rssMiB = (pid: number) => {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return kb / 1024;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

// Ceiling: the smallest compiled Bun program that holds a SQLite database open.
const bareSrc = join(dir, "bare.ts");
writeFileSync(
  bareSrc,
  `import { Database } from "bun:sqlite";\nconst db = new Database(process.argv[2], { create: true });\ndb.run("PRAGMA journal_mode = WAL");\nconsole.log("ready");\nsetInterval(() => db.query("SELECT 1").get(), 1000);\n`,
);
const bareBin = join(dir, "bare");
const build = Bun.spawnSync([process.execPath, "build", bareSrc, "--compile", "--outfile", bareBin], {
  stdout: "ignore",
  stderr: "inherit",
});
if (build.exitCode !== 0) throw new Error("could not compile the bare program");
async function idleRss(argv: string[]): Promise<number> {
  const p = Bun.spawn(argv, { stdout: "pipe" });
  await p.stdout.getReader().read();
  await Bun.sleep(2_000);
  const rss = rssMiB(p.pid);
  p.kill();
  return rss;
}
const bareRss = await idleRss([bareBin, join(dir, "bare.db")]);

// Second reference: the same binary's whole module graph loaded and idle (what main.ts imports).
const modulesSrc = join(dir, "modules.ts");
writeFileSync(
  modulesSrc,
  `import { loadAllCommands } from ${JSON.stringify(join(import.meta.dir, "..", "agent", "src", "cli", "commands.ts"))};\nconsole.log((await loadAllCommands()).length);\nsetInterval(() => {}, 1000);\n`,
);
const modulesBin = join(dir, "modules");
Bun.spawnSync([process.execPath, "build", modulesSrc, "--compile", "--outfile", modulesBin], {
  stdout: "ignore",
  stderr: "inherit",
});
const modulesRss = await idleRss([modulesBin]);

const ntp = await startSntpServer();
const bind = `127.0.0.1:${freePort()}`;
const config = writeTestConfig(dir, { bind, ntpServers: [ntp.address] }); // checks every 10 s
const status = () =>
  Bun.spawnSync([bin, "status", "--json", "--config", config], { stdout: "pipe", stderr: "pipe" });

/** `malachor run` with its first cycle done. */
async function startDaemon(env: Record<string, string> = {}) {
  const daemon = Bun.spawn([bin, "run", "--config", config], {
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env, ...env },
  });
  for (let i = 0; i < 200; i++) {
    if (status().stdout.toString().includes('"lastCycle":{')) break;
    await Bun.sleep(50);
  }
  return daemon;
}

/**
 * RSS of `malachor run` sampled every 100 ms over two check intervals after its first cycle:
 * median (what it holds while idle, most of the time) and peak (a cycle running).
 */
async function daemonRss(env: Record<string, string>): Promise<{ median: number; peak: number }> {
  const daemon = await startDaemon(env);
  const samples: number[] = [];
  for (const end = Date.now() + 20_000; Date.now() < end; await Bun.sleep(100))
    samples.push(rssMiB(daemon.pid));
  daemon.kill("SIGTERM");
  await daemon.exited;
  return { median: median(samples), peak: Math.max(...samples) };
}
const trimmed = await daemonRss({});
const untrimmed = await daemonRss({ MALACHOR_TRIM_PAGES: "0" });
const daemon = await startDaemon();

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
ntp.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `idle RSS of malachor run: median ${trimmed.median.toFixed(1)} MiB, peak ${trimmed.peak.toFixed(1)} MiB during a cycle (target ≤ 45 MB; without giving back clean executable pages: median ${untrimmed.median.toFixed(1)}, peak ${untrimmed.peak.toFixed(1)}; bare compiled Bun + bun:sqlite ceiling ${bareRss.toFixed(1)} MiB; every agent module loaded, idle: ${modulesRss.toFixed(1)} MiB)`,
);
console.log(
  `malachor status --json: median ${median(statusMs).toFixed(1)} ms, p95 ${p95(statusMs).toFixed(1)} ms (target ≤ 50 ms; malachor --version ceiling ${median(versionMs).toFixed(1)} ms)`,
);
