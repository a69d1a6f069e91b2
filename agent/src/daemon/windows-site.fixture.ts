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

/** `malachor run` from source on a site's config, its output discarded (tests kill it as they need). */
export function spawnDaemon(config: string) {
  return Bun.spawn([process.execPath, join(import.meta.dir, "..", "main.ts"), "run", "--config", config], {
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env, MALACHOR_CONFIG: "" },
  });
}
