/**
 * The SSH estate within one cycle: a scan of 50 Linux hosts over SSH (one loopback sshd, distinct
 * host names; each scan is a full handshake with Ed25519 key auth and host-key pin check, one
 * combined script, then every Linux check over its output), at the default `[ssh] max_concurrent`
 * of 8. Beside it, measured in the same run: the raw `ssh2` connect rate (TCP + handshake + key
 * auth, nothing of ours) and our connection's handshake rate, both sequential.
 * Target: the 50-host scan within one 60 s cycle.
 */
import { readFileSync } from "node:fs";
import { Client } from "ssh2";
import type { CheckSettings } from "../agent/src/checks/check.ts";
import { LINUX_CHECKS } from "../agent/src/checks/linux/index.ts";
import { connectSsh } from "../agent/src/ssh/connection.ts";
import { Limiter } from "../agent/src/ssh/limiter.ts";
import { memoryPins } from "../agent/src/ssh/pins.ts";
import { SshScanner } from "../agent/src/ssh/scanner.ts";
import { startTestSshd } from "../agent/src/ssh/sshd.fixture.ts";
import type { SshTarget } from "../agent/src/ssh/target.ts";

const HOSTS = Number(process.env.SSH_BENCH_HOSTS ?? 50);
const CONNECTS = 20;
const sshd = await startTestSshd();
const key = readFileSync(sshd.linuxKey, "utf8");
const target = (i: number): SshTarget => ({
  name: `linux-${String(i).padStart(2, "0")}.bench`,
  host: "127.0.0.1",
  port: sshd.port,
  user: sshd.user,
  os: "linux",
  auth: { kind: "key", keyFile: sshd.linuxKey },
});

function rawConnect(): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on("ready", () => {
      c.end();
      resolve();
    });
    c.on("error", reject);
    c.connect({ host: "127.0.0.1", port: sshd.port, username: sshd.user, privateKey: key });
  });
}

async function rate(n: number, f: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await f();
  return n / ((performance.now() - t0) / 1000);
}

const settings: CheckSettings = {
  ntpServers: [],
  ntpMaxOffsetMs: 500,
  allowedPorts: [22],
  expectedServices: ["sshd.service"],
  diskMaxPercent: 90,
};
try {
  await rawConnect(); // warm-up
  const raw = await rate(CONNECTS, rawConnect);
  const ours = await rate(CONNECTS, async () => {
    const s = await connectSsh(target(0), {
      connectTimeoutMs: 10_000,
      allowPassword: false,
      verifyHostKey: () => ({ accept: true }),
    });
    s.close();
  });
  const scanner = new SshScanner({
    pins: memoryPins(),
    limiter: new Limiter(8),
    allowPassword: false,
    connectTimeoutMs: 10_000,
    commandTimeoutMs: 60_000,
    maxBytes: 8 << 20,
    checkTimeoutMs: 10_000,
    settings,
  });
  for (const cycle of ["first cycle (scripts seeded)", "second cycle (scripts learned)"]) {
    const t0 = performance.now();
    const scans = await Promise.all(
      Array.from({ length: HOSTS }, (_, i) => scanner.scan(target(i), LINUX_CHECKS)),
    );
    const secs = (performance.now() - t0) / 1000;
    const findings = scans.reduce((n, s) => n + s.findings.length, 0);
    const bad = scans.filter(
      (s) => s.findings[0]?.checkId !== "ssh.host-key" || s.findings[0]?.status !== "pass",
    );
    const handshake = scans.reduce((n, s) => n + s.stats.handshakeMs, 0) / scans.length;
    const script = scans.reduce((n, s) => n + s.stats.scriptMs, 0) / scans.length;
    const misses = scans.reduce((n, s) => n + s.stats.misses, 0);
    console.log(
      `${cycle}: ${HOSTS} hosts in ${secs.toFixed(1)} s (target ≤ 60 s) = ${(HOSTS / secs).toFixed(2)} hosts/s; ` +
        `${findings} findings, ${bad.length} hosts not scanned; mean handshake ${handshake.toFixed(0)} ms, ` +
        `mean script ${script.toFixed(0)} ms, ${misses} live fetches`,
    );
    if (bad.length || secs > 60) process.exitCode = 1;
  }
  console.log(
    `handshake rate (sequential): ours ${ours.toFixed(1)}/s beside raw ssh2 connect ${raw.toFixed(1)}/s (same run, same sshd)`,
  );
} finally {
  await sshd.stop();
}
