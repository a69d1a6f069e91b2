/**
 * #15.4: a BitLocker recovery key the healer escrowed survives kill -9. `malachor run` (from
 * source) heals the WinRM test server's unencrypted drive with L1 rule l1-windows-bitlocker; the
 * cloud takes the escrow request in and never answers; the daemon is killed -9 while it waits.
 * Started again, it delivers the key.
 */
import { afterAll, expect, test } from "bun:test";
import { waitFor } from "../../../test/e2e/harness/wait.ts";
import { spawnDaemon, startWindowsSite } from "./windows-site.fixture.ts";

const site = await startWindowsSite();
afterAll(() => site.close());
const { cloud, winrm, config } = site;

const daemon = () => spawnDaemon(config);

test("escrowed recovery keys survive kill -9 of the daemon and reach the cloud after restart", async () => {
  cloud.holdEscrow = true;
  const first = daemon();
  try {
    await waitFor("the daemon's escrow request", () => cloud.state.escrowAttempts > 0, { timeoutMs: 60_000 });
  } finally {
    first.kill("SIGKILL");
  }
  await first.exited;
  expect(first.signalCode).toBe("SIGKILL");
  expect(cloud.state.escrow).toEqual([]);
  const protectors = winrm.state.bitlocker.volumes.slice(0, 2).map((v) => ({
    volume: v.mountPoint,
    key: v.keyProtectors.find((p) => p.type === "RecoveryPassword"),
  }));
  for (const p of protectors) expect(p.key?.recoveryPassword).toMatch(/^(\d{6}-){7}\d{6}$/);

  cloud.holdEscrow = false;
  const second = daemon();
  try {
    await waitFor("both keys at the cloud", () => cloud.state.escrow.length >= 2, { timeoutMs: 60_000 });
  } finally {
    second.kill("SIGTERM");
    await second.exited;
  }
  expect(cloud.state.escrow).toEqual(
    protectors.map((p) => ({
      host: "127.0.0.1",
      volume: p.volume,
      protectorId: p.key!.id,
      recoveryPassword: p.key!.recoveryPassword!,
    })),
  );
}, 150_000);
