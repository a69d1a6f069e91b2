/**
 * Records the profiles `bun build --bytecode-order` lays the executable's bytecode out by (package.json
 * `build`, nix/package.nix): which functions `malachor run` uses through start-up and a check cycle
 * (`run.order`) and which `malachor status --json` uses against a running daemon (`status.order`).
 * The bytecode they name is placed together at the front, so the daemon keeps fewer pages of the
 * executable resident (bench/rss.bench.ts). Only the layout changes, never behaviour; a profile from an
 * older build still applies (functions are matched by a hash of their syntax), so re-record when the
 * daemon's code has moved a lot: `npm run build && bun agent/bytecode-order/record.ts`.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSntpServer } from "../src/checks/sntp-server.fixture.ts";
import { writeTestConfig } from "../src/daemon/test-config.fixture.ts";

const bin = join(import.meta.dir, "..", "..", "dist", "malachor");
if (!existsSync(bin)) throw new Error(`${bin} is missing: npm run build first`);
const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
const port = listener.port;
listener.stop(true);
const dir = mkdtempSync(join(tmpdir(), "malachor-order-"));
const ntp = await startSntpServer();
const config = writeTestConfig(dir, { bind: `127.0.0.1:${port}`, ntpServers: [ntp.address] });
const profile = (name: string) => ({ ...process.env, BUN_BYTECODE_ORDER_OUT: join(dir, name) });
const status = (env = process.env) =>
  Bun.spawnSync([bin, "status", "--json", "--config", config], { stdout: "pipe", stderr: "pipe", env });

const daemon = Bun.spawn([bin, "run", "--config", config], {
  stdout: "ignore",
  stderr: "ignore",
  env: profile("run.order"),
});
const cycled = () => status().stdout.toString().includes('"lastCycle":{');
for (let i = 0; i < 600 && !cycled(); i++) await Bun.sleep(100);
if (!cycled()) throw new Error("the daemon ran no check cycle within a minute");
await Bun.sleep(11_000); // a second cycle (every 10 s in the test config), as every later one runs
if (status(profile("status.order")).exitCode === 3)
  throw new Error("malachor status --json did not reach the daemon");
daemon.kill("SIGTERM");
await daemon.exited;
ntp.close();
for (const name of readdirSync(dir).filter((f) => f.endsWith(".order")))
  copyFileSync(join(dir, name), join(import.meta.dir, name));
rmSync(dir, { recursive: true, force: true });
console.log(`recorded ${join(import.meta.dir, "run.order")} and status.order`);
