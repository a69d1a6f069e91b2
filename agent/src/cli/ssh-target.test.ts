import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTestConfig } from "../daemon/test-config.fixture.ts";
import { sshdRequirement, startTestSshd, type TestSshd } from "../ssh/sshd.fixture.ts";
import { runCli } from "./testing.ts";

describe("malachor runbook list: the issue's counts per platform", () => {
  test("≥ 18 Linux and ≥ 12 macOS checks, ≥ 15 Linux and ≥ 10 macOS runbooks, L1 rules for both", async () => {
    const r = await runCli(["runbook", "list", "--json"]);
    expect(r.code).toBe(0);
    const { counts } = JSON.parse(r.out);
    expect(counts.linuxChecks).toBeGreaterThanOrEqual(18);
    expect(counts.macosChecks).toBeGreaterThanOrEqual(12);
    expect(counts.linuxRunbooks).toBeGreaterThanOrEqual(15);
    expect(counts.macosRunbooks).toBeGreaterThanOrEqual(10);
    expect(counts.linuxFixRules).toBeGreaterThan(0);
    expect(counts.macosFixRules).toBeGreaterThan(0);
    const human = await runCli(["runbook", "list", "--platform", "macos"]);
    expect(human.out).toContain("macos.firewall");
    expect(human.out).toMatch(/\d+ macOS checks \(SSH\), \d+ macOS runbooks/);
  });
});

const present = sshdRequirement();

describe.if(present)("malachor check --target (an [[ssh.hosts]] entry on a loopback sshd)", () => {
  let sshd: TestSshd;
  let dir: string;
  let config: string;
  beforeAll(async () => {
    sshd = await startTestSshd();
    dir = mkdtempSync(join(tmpdir(), "malachor-cli-ssh-"));
    config = writeTestConfig(dir, {
      extra: [
        "[[ssh.hosts]]",
        'host = "127.0.0.1"',
        `port = ${sshd.port}`,
        `user = "${sshd.user}"`,
        'os = "linux"',
        `key_file = "${sshd.linuxKey}"`,
      ].join("\n"),
    });
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("--json lists every Linux check run over SSH, after the pinned host key", async () => {
    const r = await runCli(["check", "--config", config, "--target", "127.0.0.1", "--json"]);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ target: "127.0.0.1", os: "linux" });
    expect(out.checks).toBeGreaterThanOrEqual(18);
    expect(out.findings[0]).toMatchObject({ checkId: "ssh.host-key", status: "pass" });
    expect(out.findings.slice(1).map((f: { checkId: string }) => f.checkId)).toHaveLength(out.checks);
    expect(out.findings.every((f: { host: string }) => f.host === "127.0.0.1")).toBe(true);
    // Pinned in the state database: the next run matches the pin.
    const again = JSON.parse(
      (await runCli(["check", "--config", config, "--target", "127.0.0.1", "--json", "linux.uid0-accounts"]))
        .out,
    );
    expect(again.findings[0].details.source).toBe("matched");
    expect(again.findings.map((f: { checkId: string }) => f.checkId)).toEqual([
      "ssh.host-key",
      "linux.uid0-accounts",
    ]);
  });

  test("an unknown target names the configured ones", async () => {
    const r = await runCli(["check", "--config", config, "--target", "nas.clinic.lan"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("hosts: 127.0.0.1");
  });
});
