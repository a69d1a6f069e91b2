/**
 * A clinic on loopback for daemon tests: the fake cloud (signed orders, escrow), the WinRM test
 * server as its Windows file server (drifted: every Windows check fails), and a config in a temp
 * dir naming both.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWinRmServer, type WinRmServer } from "../../../test/winrm-server/server.ts";
import { type FakeCloud, startFakeCloud } from "../cloud-client/fake-cloud.fixture.ts";
import { writeSecretFile } from "../config/secret.ts";
import { writeTestConfig } from "./test-config.fixture.ts";

/** The running site; `close()` stops both servers and removes the temp dir. */
export interface WindowsSite {
  cloud: FakeCloud;
  winrm: WinRmServer;
  /** Path of the appliance's config file. */
  config: string;
  close(): Promise<void>;
}

/** Start the cloud and the Windows host, and write the appliance's config. */
export async function startWindowsSite(): Promise<WindowsSite> {
  const dir = mkdtempSync(join(tmpdir(), "malachor-site-"));
  const cloud = startFakeCloud();
  const winrm = await startWinRmServer({ user: "CLINIC\\svc-malachor", password: "site-pw" });
  writeSecretFile(join(dir, "winrm-password"), "site-pw\n");
  const config = writeTestConfig(dir, {
    cloudUrl: cloud.url,
    apiKey: cloud.apiKey,
    publicKey: cloud.orderKey.publicKey,
    extra: [
      "[[windows.hosts]]",
      'host = "127.0.0.1"',
      `port = ${winrm.port}`,
      'transport = "http-ntlm"',
      'username = "svc-malachor"',
      'domain = "CLINIC"',
      'password_file = "winrm-password"',
    ].join("\n"),
  });
  return {
    cloud,
    winrm,
    config,
    async close() {
      await cloud.stop();
      await winrm.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const runArgs = (config: string) => [
  process.execPath,
  join(import.meta.dir, "..", "main.ts"),
  "run",
  "--config",
  config,
];
const env = () => ({ ...process.env, MALACHOR_CONFIG: "" });

/** `malachor run` from source on a site's config, its output discarded (tests kill it as they need). */
export function spawnDaemon(config: string) {
  return Bun.spawn(runArgs(config), { stdout: "ignore", stderr: "ignore", env: env() });
}

/** One JSON line the daemon logged. */
export interface LogLine {
  msg: string;
  [k: string]: unknown;
}

/** A daemon started by `watchDaemon`: its process and every line it has logged so far. */
export interface WatchedDaemon {
  child: Bun.Subprocess<"ignore", "pipe", "ignore">;
  lines: LogLine[];
  /** Settles once the process's output has ended (after it exited). */
  reading: Promise<void>;
  saw(msg: string): boolean;
  /** How many lines with this message it logged. */
  count(msg: string): number;
  /**
   * Ask for a cycle now through the local API, as the status page's button does (during a cycle:
   * the next one runs right after it). A test that waits for several cycles asks again as it polls
   * (at most every 200 ms: a probe polling faster does not flood the daemon).
   */
  nudge(): Promise<void>;
}

/** `malachor run` from source on a site's config, its JSON log lines collected as they come. */
export function watchDaemon(config: string): WatchedDaemon {
  const child = Bun.spawn(runArgs(config), { stdout: "pipe", stderr: "ignore", env: env() });
  const lines: LogLine[] = [];
  const reading = (async () => {
    let buf = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      buf += decoder.decode(chunk, { stream: true });
      const parts = buf.split("\n");
      buf = parts.pop()!;
      for (const l of parts) if (l.startsWith("{")) lines.push(JSON.parse(l));
    }
  })();
  const count = (msg: string) => lines.filter((l) => l.msg === msg).length;
  let asked = 0;
  return {
    child,
    lines,
    reading,
    saw: (msg) => count(msg) > 0,
    count,
    async nudge() {
      const running = lines.find((l) => l.msg === "malachor running");
      // Before the local API listens the first cycle is about to start anyway.
      if (!running || performance.now() - asked < 200) return;
      asked = performance.now();
      const r = await fetch(new URL("/api/cycle", String(running.statusApi)), { method: "POST" });
      if (r.status !== 202) throw new Error(`POST /api/cycle: ${r.status} ${await r.text()}`);
    },
  };
}
