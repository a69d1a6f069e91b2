import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CheckSettings, HostBaseline } from "./check.ts";
import { LINUX_CHECKS } from "./linux/index.ts";
import { applianceHost, HostProfileError, loadHostProfile, ProfileHost } from "./profile-host.ts";
import { RealHost } from "./real-host.ts";
import { runChecks } from "./run.ts";
import { startSntpServer } from "./sntp-server.fixture.ts";

const DEMO_PROFILE = join(import.meta.dir, "..", "..", "..", "test", "demo", "host-profile.toml");
const dir = mkdtempSync(join(tmpdir(), "malachor-profile-"));
const sntp = await Promise.all([startSntpServer(), startSntpServer()]);
afterAll(() => {
  for (const s of sntp) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function profileFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The baseline store the daemon keeps in its state database, in memory. */
function memoryBaseline(): HostBaseline {
  const m = new Map<string, string[]>();
  return { get: (id) => m.get(id), set: (id, items) => void m.set(id, [...items]) };
}

describe("the demo's host profile", () => {
  // The daemon's defaults ([checks] in agent/src/config/schema.ts), with SNTP servers on loopback.
  const settings: CheckSettings = {
    ntpServers: sntp.map((s) => s.address),
    ntpMaxOffsetMs: 500,
    allowedPorts: [22],
    expectedServices: ["sshd.service", "systemd-journald.service"],
    diskMaxPercent: 90,
  };

  test("every Linux check runs on it: a hardened appliance with two honest open items", async () => {
    const host = new ProfileHost(loadHostProfile(DEMO_PROFILE));
    const baseline = memoryBaseline();
    const run = () =>
      runChecks(LINUX_CHECKS, { host, settings, hostName: "clinic-appliance", timeoutMs: 3_000, baseline });
    await run(); // records the set-uid and cron baselines
    const findings = await run();
    const notPassing = Object.fromEntries(
      findings.filter((f) => f.status !== "pass").map((f) => [f.checkId, `${f.status}: ${f.actual}`]),
    );
    expect(notPassing).toEqual({
      "linux.log-forwarding": "fail: no remote log destination configured",
      "linux.nixos-generation": "warn: generation 43 installed but not running (switch or reboot pending)",
    });
    const actual = (id: string) => findings.find((f) => f.checkId === id)?.actual;
    expect(actual("linux.disk-encryption")).toBe("encrypted: /");
    expect(actual("linux.firewall")).toBe("default deny (iptables); open: 22");
    // The backup's last run is written relative to now, so it stays 6 h old however long a demo runs.
    expect(actual("linux.backup-status")).toBe("restic-backups-malachor-state.timer ran 6.0 h ago");
    // The clock and SNTP are the real machine's: the loopback servers answered.
    expect(actual("linux.time-sync")).toMatch(
      /^offset -?\d+(\.\d)? ms; timedatectl NTP=yes NTPSynchronized=yes$/,
    );
  });
});

describe("ProfileHost", () => {
  test("answers from the profile; times in placeholders follow the clock; the rest does not exist", async () => {
    let now = Date.parse("2026-12-05T13:00:00.000Z");
    const real = new RealHost();
    const clock = Object.assign(Object.create(real) as RealHost, { now: () => now });
    const host = new ProfileHost(
      loadHostProfile(
        profileFile(
          "times.toml",
          `hostname = "t640"
[commands]
"date" = "{{now:unix}} {{now-6h:iso}} {{now+1d:systemd}}"
"false" = { code = 1, stderr = "no" }
[files]
"/etc/x" = "at {{now-90s:iso}}"
[links]
"/run/current-system" = "/nix/store/abc"
[dirs]
"/etc" = ["x"]
`,
        ),
      ),
      clock,
    );
    expect(await host.run(["date"])).toEqual({
      code: 0,
      stdout: "1796475600 2026-12-05T07:00:00.000Z Sun 2026-12-06 13:00:00 UTC",
      stderr: "",
    });
    now += 3_600_000;
    expect(await host.readFile("/etc/x")).toBe("at 2026-12-05T13:58:30.000Z");
    expect(await host.run(["false"])).toEqual({ code: 1, stdout: "", stderr: "no" });
    expect((await host.run(["ls", "/"])).code).toBe(127);
    expect(await host.readFile("/etc/shadow")).toBeNull();
    expect(await host.readLink("/run/current-system")).toBe("/nix/store/abc");
    expect(await host.listDir("/etc")).toEqual(["x"]);
    expect(await host.listDir("/var")).toBeNull();
    expect(host.hostname()).toBe("t640");
    expect(host.now()).toBe(now);
  });

  test.each([
    [
      "unknown.toml",
      `[commands]\n"date" = "{{yesterday}}"\n`,
      /commands\.date: unknown placeholder \{\{yesterday\}\}/,
    ],
    ["relative.toml", `[files]\n"etc/passwd" = ""\n`, /files\.etc\/passwd: must be an absolute path/],
    ["typo.toml", `[comands]\n"date" = ""\n`, /comands/],
    ["code.toml", `[commands]\n"x" = { code = 300 }\n`, /commands\.x/],
    ["syntax.toml", `[commands\n`, /syntax\.toml line 1: not valid TOML/],
  ])("a bad profile (%s) is refused naming the file and the problem", (name, text, want) => {
    const path = profileFile(name, text);
    expect(() => loadHostProfile(path)).toThrow(HostProfileError);
    expect(() => loadHostProfile(path)).toThrow(want);
    expect(() => loadHostProfile(path)).toThrow(path);
  });

  test("a missing profile is refused naming the path", () => {
    expect(() => loadHostProfile(join(dir, "absent.toml"))).toThrow(
      /host profile .*absent\.toml: cannot read it/,
    );
  });

  test("without host_profile the appliance's checks read this machine", () => {
    expect(applianceHost({ appliance: {} })).toBeInstanceOf(RealHost);
    expect(
      applianceHost({
        appliance: { host_profile: DEMO_PROFILE },
      }),
    ).toBeInstanceOf(ProfileHost);
  });
});
