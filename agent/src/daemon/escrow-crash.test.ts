/**
 * #15.4: a BitLocker recovery key the healer escrowed survives kill -9. `malachor run` (from
 * source) heals the WinRM test server's unencrypted drive with L1 rule l1-windows-bitlocker; the
 * cloud takes the escrow request in and never answers; the daemon is killed -9 while it waits.
 * Started again, it delivers the key.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWinRmServer } from "../../../test/winrm-server/server.ts";
import { startFakeCloud } from "../cloud-client/fake-cloud.fixture.ts";
import { writeSecretFile } from "../config/secret.ts";
import { writeTestConfig } from "./test-config.fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-escrow-crash-"));
const cloud = startFakeCloud();
const winrm = await startWinRmServer({ user: "CLINIC\\svc-malachor", password: "crash-pw" });
afterAll(async () => {
  await cloud.stop();
  await winrm.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

writeSecretFile(join(dir, "winrm-password"), "crash-pw\n");
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
const daemon = () =>
  Bun.spawn([process.execPath, join(import.meta.dir, "..", "main.ts"), "run", "--config", config], {
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env, MALACHOR_CONFIG: "" },
  });

test("an escrowed recovery key survives kill -9 of the daemon and reaches the cloud after restart", async () => {
  cloud.holdEscrow = true;
  const first = daemon();
  try {
    await until("the daemon's escrow request", () => cloud.state.escrowAttempts > 0, 60_000);
  } finally {
    first.kill("SIGKILL");
  }
  await first.exited;
  expect(first.signalCode).toBe("SIGKILL");
  expect(cloud.state.escrow).toEqual([]);
  const protector = winrm.state.bitlocker.volumes[0]!.keyProtectors.find(
    (p) => p.type === "RecoveryPassword",
  );
  expect(protector?.recoveryPassword).toMatch(/^(\d{6}-){7}\d{6}$/);

  cloud.holdEscrow = false;
  const second = daemon();
  try {
    await until("the key at the cloud", () => cloud.state.escrow.length > 0, 60_000);
  } finally {
    second.kill("SIGTERM");
    await second.exited;
  }
  expect(cloud.state.escrow).toEqual([
    {
      host: "127.0.0.1",
      volume: winrm.state.bitlocker.volumes[0]!.mountPoint,
      protectorId: protector!.id,
      recoveryPassword: protector!.recoveryPassword!,
    },
  ]);
}, 150_000);
