import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CheckSettings } from "../checks/check.ts";
import { LINUX_CHECKS } from "../checks/linux/index.ts";
import { RealHost } from "../checks/real-host.ts";
import { runChecks } from "../checks/run.ts";
import { openStateDb } from "../queue/db.ts";
import { Limiter } from "./limiter.ts";
import { sqlitePins } from "./pins.ts";
import { SshScanner } from "./scanner.ts";
import { sshdRequirement, startTestSshd, type TestSshd } from "./sshd.fixture.ts";
import type { SshTarget } from "./target.ts";

const present = sshdRequirement();

const settings: CheckSettings = {
  ntpServers: ["127.0.0.1:9"],
  ntpMaxOffsetMs: 500,
  allowedPorts: [22],
  expectedServices: ["sshd.service"],
  diskMaxPercent: 90,
};

describe.if(present)("SSH scan of this machine through a loopback sshd", () => {
  let sshd: TestSshd;
  const db = openStateDb(":memory:");
  const pins = sqlitePins(db);
  const scanner = () =>
    new SshScanner({
      pins,
      limiter: new Limiter(4),
      allowPassword: false,
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 30_000,
      maxBytes: 8 << 20,
      checkTimeoutMs: 5_000,
      settings,
    });
  const target = (): SshTarget => ({
    name: "loop-linux",
    host: "127.0.0.1",
    port: sshd.port,
    user: sshd.user,
    os: "linux",
    auth: { kind: "key", keyFile: sshd.linuxKey },
  });
  beforeAll(async () => {
    sshd = await startTestSshd();
  });
  afterAll(() => sshd?.stop());

  test("every Linux check runs over SSH with the verdict it reaches locally; the key is pinned", async () => {
    const s = scanner();
    const first = await s.scan(target(), LINUX_CHECKS);
    const key = first.findings[0]!;
    expect(key).toMatchObject({ checkId: "ssh.host-key", status: "pass", host: "loop-linux" });
    expect(key.details).toMatchObject({ fingerprint: sshd.hostKeyFingerprint, source: "pinned-now" });
    expect(pins.get(`127.0.0.1:${sshd.port}`)?.fingerprint).toBe(sshd.hostKeyFingerprint);
    const remote = first.findings.slice(1);
    expect(remote.map((f) => f.checkId)).toEqual(LINUX_CHECKS.map((c) => c.id));
    const local = await runChecks(LINUX_CHECKS, {
      host: new RealHost(),
      settings,
      hostName: "local",
      timeoutMs: 5_000,
    });
    const verdicts = (fs: typeof remote) => Object.fromEntries(fs.map((f) => [f.checkId, f.status]));
    expect(verdicts(remote)).toEqual(verdicts(local));

    // The second scan's one script holds everything the first had to fetch live.
    const second = await s.scan(target(), LINUX_CHECKS);
    expect(second.stats.misses).toBe(0);
    expect(second.findings[0]!.details).toMatchObject({ source: "matched" });
    expect(verdicts(second.findings.slice(1))).toEqual(verdicts(local));
  });

  test("a changed host key is refused with a failing finding and no check runs", async () => {
    await scanner().scan(target(), LINUX_CHECKS.slice(0, 1));
    const before = sshd.hostKeyFingerprint;
    await sshd.rotateHostKey();
    const r = await scanner().scan(target(), LINUX_CHECKS);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      checkId: "ssh.host-key",
      status: "fail",
      expected: before,
      details: { presented: sshd.hostKeyFingerprint, expected: before },
    });
    expect(pins.get(`127.0.0.1:${sshd.port}`)?.fingerprint).toBe(before);
    // A configured key wins over the pin.
    const configured = await scanner().scan(
      { ...target(), hostKey: sshd.hostKeyFingerprint },
      LINUX_CHECKS.slice(0, 1),
    );
    expect(configured.findings[0]).toMatchObject({ status: "pass", details: { source: "configured" } });
  });

  test("an unreachable host is one ssh.connection finding", async () => {
    const r = await scanner().scan({ ...target(), port: 1 }, LINUX_CHECKS);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ checkId: "ssh.connection", status: "unreachable" });
  });
});
