/**
 * Onboarding without hand-edited config, end to end: a technician enters a Windows target and its
 * password in the dashboard; the real daemon (no host in its config file) announces its sealing
 * key, syncs the target, opens the credential and scans the WinRM test server with it. Neither the
 * cloud's database, nor its log, nor its object store, nor the appliance's state database holds
 * the password in clear; a rotation replaces it on the appliance.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningAgent } from "../../agent/src/daemon/start.ts";
import { applianceSealKeys } from "../../cloud/src/db/schema/targets.ts";
import type { TestAppliance } from "../../cloud/src/testing/test-cloud.ts";
import { WebClient } from "../../cloud/src/web/testing/client.ts";
import { secretHaystacks, startOnboardingAgent, until, untilCycled } from "../support/onboarding.ts";
import { startWinRmServer, type WinRmServer } from "../winrm-server/server.ts";
import { type LoopbackCloud, startLoopbackCloud } from "./provision-cloud.ts";

const PASSWORD = "Canary-Pw-5d1e-NOT-IN-CLEAR";
let cloud: LoopbackCloud;
let winrm: WinRmServer;
let dir: string;
let appliance: TestAppliance;
let agent: RunningAgent | undefined;
let agentLog: string[] = [];

beforeAll(async () => {
  cloud = await startLoopbackCloud();
  winrm = await startWinRmServer({ user: "CLINIC\\svc-malachor", password: PASSWORD });
  await cloud.cloud.createSite("site-a");
  appliance = await cloud.cloud.createAppliance("site-a", "app-1");
  dir = mkdtempSync(join(tmpdir(), "malachor-onboard-"));
  // No Windows host in the config file; discovery probes only loopback, on the WinRM port.
  ({ agent, log: agentLog } = await startOnboardingAgent(
    cloud,
    appliance,
    dir,
    [
      "[discovery]",
      "lease_files = []",
      "[discovery.probe]",
      "enabled = true",
      'subnets = ["127.0.0.1/32"]',
      `ports = [${winrm.port}]`,
      "rate_per_sec = 50",
      "timeout_ms = 500",
    ].join("\n"),
  ));
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await winrm?.close();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a credential entered in the dashboard reaches the appliance sealed and works against WinRM; no plaintext anywhere", async () => {
  const c = cloud.cloud;
  // The appliance announced its sealing key at its first checkin.
  await until(
    "the appliance's sealing key",
    async () => (await c.deps.db.select().from(applianceSealKeys))[0],
  );
  expect(winrm.shells().created).toBe(0);

  // Discovery's first pass found the loopback "host" by its open WinRM port: unmanaged so far.
  await until("the discovered device", async () => {
    await agent!.daemon.cloudStep();
    const r = await c.call("GET", "/api/sites/site-a/devices?unmanaged=1", {
      bearer: await c.adminToken("read-only"),
    });
    const body = (await r.json()) as {
      devices: { addresses: string[]; openPorts: number[]; osGuess: string | null }[];
    };
    return body.devices.find((d) => d.addresses.includes("127.0.0.1"));
  }).then((d) => {
    expect(d.openPorts).toEqual([winrm.port]);
  });
  const web = new WebClient(c);
  await web.signInAdmin(await c.adminToken("msp-tech"));
  const devices = await web.get("/dashboard/sites/site-a/devices");
  expect(devices.html).toContain("/dashboard/sites/site-a/devices?host=127.0.0.1#new-target");
  // "Make target" opens the form with the host filled in.
  const page = await web.get("/dashboard/sites/site-a/devices?host=127.0.0.1");
  expect(page.status).toBe(200);
  expect(page.html).toContain('value="127.0.0.1"');
  const created = await web.post("/dashboard/sites/site-a/targets", {
    kind: "windows",
    host: "127.0.0.1",
    port: String(winrm.port),
    transport: "http-ntlm",
    domain: "CLINIC",
    username: "svc-malachor",
    password: PASSWORD,
  });
  expect(created.status).toBe(303);
  expect(created.location).toContain("done=target-created");
  const listed = await web.get("/dashboard/sites/site-a/devices");
  expect(listed.html).toContain("sealed for app-1");
  // The probed device is now covered by the target.
  expect(listed.html.split("Managed devices")[1]).toContain('data-device="ip:127.0.0.1"');
  expect(listed.html).not.toContain(PASSWORD);

  // Next cloud step: checkin sees the targets version move, sync delivers them, the next cycle scans.
  await agent!.daemon.cloudStep();
  const found = await untilCycled(
    agent!,
    "Windows findings from the target entered in the cloud",
    () => {
      const f = agent!.daemon
        .snapshot()
        .findings.filter((x) => x.host === "127.0.0.1" && x.checkId.startsWith("windows."));
      return f.length > 0 ? f : undefined;
    },
    60_000,
  );
  expect(found.some((f) => f.status === "pass" || f.status === "fail")).toBe(true);
  expect(winrm.authFailures).toEqual([]);
  expect(winrm.shells().created).toBeGreaterThan(0);

  // Rotation: a wrong password entered now replaces the working one on the appliance.
  const targetId = /data-target="([^"]+)"/.exec(listed.html)![1]!;
  const rotated = await web.post(`/dashboard/sites/site-a/targets/${targetId}/credential`, {
    password: `${PASSWORD}-rotated`,
  });
  expect(rotated.status).toBe(303);
  await agent!.daemon.cloudStep();
  await untilCycled(
    agent!,
    "the rotated (wrong) password to be used",
    () => (winrm.authFailures.length > 0 ? true : undefined),
    60_000,
  );

  const haystacks = await secretHaystacks(c, dir, agentLog);
  for (const [where, text] of Object.entries(haystacks)) {
    expect({ where, found: text.includes(PASSWORD) }).toEqual({ where, found: false });
  }
  expect(haystacks["cloud database"]).toContain("hpke-x25519-hkdfsha256-aes256gcm");
}, 180_000);
