import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSettings } from "../checks/settings.ts";
import { loadConfig } from "../config/load.ts";
import type { CycleContext } from "../daemon/providers.ts";
import { writeTestConfig } from "../daemon/test-config.fixture.ts";
import { openStateDb } from "../queue/db.ts";
import { HostExecutors } from "../runbooks/host-executors.ts";
import { sshEstate, sshProvider } from "./from-config.ts";
import { sqlitePins } from "./pins.ts";
import { sshdRequirement, startTestSshd, type TestSshd } from "./sshd.fixture.ts";
import type { SshTarget } from "./target.ts";

const present = sshdRequirement();

describe.if(present)("the SSH estate from [[ssh.hosts]] (as the daemon wires it)", () => {
  let sshd: TestSshd;
  let dir: string;
  beforeAll(async () => {
    sshd = await startTestSshd();
    dir = mkdtempSync(join(tmpdir(), "malachor-ssh-estate-"));
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a Linux and a macOS host: scanned by the provider, pinned in the state DB, executors by name", async () => {
    const host = (name: string, os: string, key: string) =>
      `[[ssh.hosts]]\nhost = "${name}"\nport = ${sshd.port}\nuser = "${sshd.user}"\nos = "${os}"\nkey_file = "${key}"\n`;
    const config = loadConfig(
      writeTestConfig(dir, {
        extra: `[ssh]\nmax_concurrent = 2\n${host("127.0.0.1", "linux", sshd.linuxKey)}${host("localhost", "macos", sshd.macosKey)}`,
      }),
    );
    const db = openStateDb(":memory:");
    const estate = sshEstate(config, checkSettings(config.checks, config.status.bind), db);
    const ctx = {
      siteConfig: {},
      disabled: new Set(["linux.suid-files"]),
      timeoutMs: 5_000,
      signal: new AbortController().signal,
    } as unknown as CycleContext;
    const provider = sshProvider(estate);
    expect(provider.timeoutMs).toBeGreaterThan(60_000);
    const findings = await provider.collect(ctx);
    const of = (h: string) => findings.filter((f) => f.host === h).map((f) => f.checkId);
    expect(of("127.0.0.1")[0]).toBe("ssh.host-key");
    expect(of("127.0.0.1")).toContain("linux.kernel-params");
    expect(of("127.0.0.1")).not.toContain("linux.suid-files");
    // No fixture programs on this Mac's PATH: its checks run, and say what they could not read.
    expect(of("localhost").filter((id) => id.startsWith("macos."))).toHaveLength(13);
    expect(sqlitePins(db).get(`127.0.0.1:${sshd.port}`)?.fingerprint).toBe(sshd.hostKeyFingerprint);
    const executors = new HostExecutors("appliance", [], estate.executors);
    expect(executors.get("LOCALHOST")?.platform).toBe("macos");
    expect(executors.get("127.0.0.1")?.platform).toBe("linux");
    expect(estate.osOf("localhost")).toBe("macos");
  });

  test("cloud-synced hosts join the config's, the config wins for a name, a new sync replaces them", async () => {
    const config = loadConfig(
      writeTestConfig(dir, {
        extra: `[[ssh.hosts]]\nhost = "127.0.0.1"\nport = ${sshd.port}\nuser = "${sshd.user}"\nos = "linux"\nkey_file = "${sshd.linuxKey}"\n`,
      }),
    );
    const estate = sshEstate(
      config,
      checkSettings(config.checks, config.status.bind),
      openStateDb(":memory:"),
    );
    const executors = new HostExecutors("appliance", [], estate.executors);
    const key = readFileSync(sshd.macosKey, "utf8");
    const cloud = (name: string, user: string): SshTarget => ({
      name,
      host: "127.0.0.1",
      port: sshd.port,
      user,
      os: "macos",
      auth: { kind: "key-in-memory", privateKey: () => key },
    });
    // "127.0.0.1" is configured: the cloud's entry of that name (a wrong user) is ignored.
    estate.setCloudHosts([cloud("127.0.0.1", "nobody-here"), cloud("localhost", sshd.user)]);
    expect(estate.targets.map((t) => [t.name, t.user])).toEqual([
      ["127.0.0.1", sshd.user],
      ["localhost", sshd.user],
    ]);
    expect(executors.get("localhost")?.platform).toBe("macos");
    const ctx = {
      siteConfig: {},
      disabled: new Set<string>(),
      timeoutMs: 5_000,
      signal: new AbortController().signal,
    } as unknown as CycleContext;
    const findings = await sshProvider(estate).collect(ctx);
    // The in-memory key logged in: the macOS checks ran on the cloud host, no connection error.
    expect(findings.filter((f) => f.host === "localhost" && f.checkId.startsWith("macos."))).toHaveLength(13);
    expect(findings.filter((f) => f.checkId === "ssh.connection")).toEqual([]);
    estate.setCloudHosts([]);
    expect(estate.targets.map((t) => t.name)).toEqual(["127.0.0.1"]);
    expect(executors.get("localhost")).toBeUndefined();
    expect(estate.osOf("localhost")).toBeUndefined();
  });
});
