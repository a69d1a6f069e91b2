/**
 * An SSH key entered in the dashboard, end to end: the real daemon (no `[[ssh.hosts]]` in its
 * config file) syncs the target, opens the sealed key in memory only and scans the loopback sshd
 * with it — the host key pinned on first use and the Linux checks run over SSH. A rotation to a key
 * the server does not accept takes effect at the next sync. The key's text is found in neither the
 * cloud's database, log or object store nor the appliance's state or log.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningAgent } from "../../agent/src/daemon/start.ts";
import { sshdRequirement, startTestSshd, type TestSshd } from "../../agent/src/ssh/sshd.fixture.ts";
import type { TestAppliance } from "../../cloud/src/testing/test-cloud.ts";
import { WebClient } from "../../cloud/src/web/testing/client.ts";
import type { Finding } from "../../protocol/finding.ts";
import { secretHaystacks, startOnboardingAgent, untilCycled } from "../support/onboarding.ts";
import { type LoopbackCloud, startLoopbackCloud } from "./provision-cloud.ts";

const present = sshdRequirement();

let cloud: LoopbackCloud;
let sshd: TestSshd;
let dir: string;
let appliance: TestAppliance;
let agent: RunningAgent | undefined;
let agentLog: string[] = [];
// A whole scan of a host over SSH takes seconds alone and far longer beside the rest of the suite.
const SCAN_MS = 100_000;

/** The base64 lines of a PEM private key: any one of them in clear would leak key material. */
function keyBody(pem: string): string[] {
  return pem.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
}

const sshFindings = (): Finding[] => agent!.daemon.snapshot().findings.filter((f) => f.host === "127.0.0.1");

describe.if(present)("an SSH key entered in the cloud", () => {
  let key: string;
  let wrongKey: string;

  beforeAll(async () => {
    sshd = await startTestSshd();
    key = readFileSync(sshd.linuxKey, "utf8");
    dir = mkdtempSync(join(tmpdir(), "malachor-onboard-ssh-"));
    const wrong = join(dir, "wrong-key");
    const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "not-authorized", "-f", wrong]);
    if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
    wrongKey = readFileSync(wrong, "utf8");
    rmSync(wrong);
    rmSync(`${wrong}.pub`);
    cloud = await startLoopbackCloud();
    await cloud.cloud.createSite("site-a");
    appliance = await cloud.cloud.createAppliance("site-a", "app-1");
    ({ agent, log: agentLog } = await startOnboardingAgent(
      cloud,
      appliance,
      dir,
      ["[discovery]", "lease_files = []"].join("\n"),
    ));
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await sshd?.stop();
    await cloud?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("reaches the appliance sealed, scans the loopback sshd, rotates at the next sync; no plaintext anywhere", async () => {
    const c = cloud.cloud;
    const web = await WebClient.admin(c, "msp-tech");
    // The appliance must have announced its sealing key before a credential can be sealed to it.
    await agent!.daemon.cloudStep();
    expect((await web.get("/dashboard/sites/site-a/devices")).status).toBe(200);
    const created = await web.post("/dashboard/sites/site-a/targets", {
      kind: "ssh",
      host: "127.0.0.1",
      port: String(sshd.port),
      os: "linux",
      username: sshd.user,
      privateKey: key,
    });
    expect(created.status).toBe(303);
    expect(created.location).toContain("done=target-created");

    await agent!.daemon.cloudStep();
    const found = await untilCycled(
      agent!,
      "Linux findings over SSH from the target entered in the cloud",
      () => {
        const f = sshFindings();
        return f.some((x) => x.checkId.startsWith("linux.")) ? f : undefined;
      },
      SCAN_MS,
    );
    expect(found.find((f) => f.checkId === "ssh.host-key")).toMatchObject({
      status: "pass",
      details: { fingerprint: sshd.hostKeyFingerprint },
    });
    expect(found.find((f) => f.checkId === "ssh.connection")).toBeUndefined();
    expect(found.filter((f) => f.checkId.startsWith("linux.")).length).toBeGreaterThanOrEqual(18);

    // Rotation to a key the server does not accept: the next sync replaces the working one.
    const listed = await web.get("/dashboard/sites/site-a/devices");
    const targetId = /data-target="([^"]+)"/.exec(listed.html)![1]!;
    const rotated = await web.post(`/dashboard/sites/site-a/targets/${targetId}/credential`, {
      privateKey: wrongKey,
    });
    expect(rotated.status).toBe(303);
    await agent!.daemon.cloudStep();
    const refused = await untilCycled(
      agent!,
      "the rotated key to be refused",
      () => sshFindings().find((f) => f.checkId === "ssh.connection"),
      SCAN_MS,
    );
    expect(refused.actual).toContain("refused");

    const haystacks = await secretHaystacks(c, dir, agentLog);
    const secrets = [...keyBody(key), ...keyBody(wrongKey)];
    expect(secrets.length).toBeGreaterThan(4);
    for (const [where, text] of Object.entries(haystacks)) {
      const leaked = secrets.filter((s) => text.includes(s)).length;
      expect({ where, leaked }).toEqual({ where, leaked: 0 });
    }
    expect(haystacks["cloud database"]).toContain("hpke-x25519-hkdfsha256-aes256gcm");
  }, 240_000);
});
