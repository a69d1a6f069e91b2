import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isKnownCitation } from "../../../../protocol/hipaa.ts";
import { openStateDb } from "../../queue/db.ts";
import { sqliteBaselines } from "../../runbooks/baselines.ts";
import { Limiter } from "../../ssh/limiter.ts";
import { memoryPins } from "../../ssh/pins.ts";
import { SshScanner } from "../../ssh/scanner.ts";
import { sshdRequirement, startTestSshd, type TestSshd } from "../../ssh/sshd.fixture.ts";
import { MACOS_CHECKS } from "./index.ts";
import * as parse from "./parse.ts";

describe("macOS check catalogue", () => {
  test("ids are unique macos.<thing> slugs citing known HIPAA controls", () => {
    const ids = MACOS_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of MACOS_CHECKS) {
      expect(c.id).toMatch(/^macos\.[a-z0-9-]+$/);
      expect(c.citations.length).toBeGreaterThan(0);
      for (const cite of c.citations)
        expect({ cite, known: isKnownCitation(cite) }).toEqual({ cite, known: true });
    }
  });
});

const fx = (name: string) => readFileSync(join(import.meta.dir, "fixtures", name), "utf8");

describe("macOS tool output parsers (fixtures of documented formats)", () => {
  test("every fixture is used by a parser case", () => {
    const used = new Set(cases.map((c) => c[0]));
    expect(readdirSync(join(import.meta.dir, "fixtures")).filter((f) => !used.has(f))).toEqual([]);
  });
  const parsers: [file: string, parser: (text: string) => unknown][] = [
    ["fdesetup-status-on.txt", parse.parseFdesetup],
    ["fdesetup-status-off.txt", parse.parseFdesetup],
    ["fdesetup-status-encrypting.txt", parse.parseFdesetup],
    ["socketfilterfw-globalstate-on.txt", parse.parseSocketfilterfw],
    ["socketfilterfw-globalstate-off.txt", parse.parseSocketfilterfw],
    ["spctl-status-on.txt", parse.parseSpctl],
    ["spctl-status-off.txt", parse.parseSpctl],
    ["csrutil-status-enabled.txt", parse.parseCsrutil],
    ["csrutil-status-disabled.txt", parse.parseCsrutil],
    ["csrutil-status-custom.txt", parse.parseCsrutil],
    ["softwareupdate-schedule-on.txt", parse.parseSoftwareupdateSchedule],
    ["softwareupdate-schedule-off.txt", parse.parseSoftwareupdateSchedule],
    ["softwareupdate-list-none.txt", parse.parseSoftwareupdateList],
    ["softwareupdate-list-pending.txt", parse.parseSoftwareupdateList],
    ["systemsetup-usingnetworktime-on.txt", (t) => parse.parseSystemsetupOnOff(t, "Network Time")],
    ["systemsetup-usingnetworktime-off.txt", (t) => parse.parseSystemsetupOnOff(t, "Network Time")],
    ["systemsetup-networktimeserver.txt", parse.parseNetworkTimeServer],
    ["systemsetup-remotelogin-on.txt", (t) => parse.parseSystemsetupOnOff(t, "Remote Login")],
    ["systemsetup-remotelogin-off.txt", (t) => parse.parseSystemsetupOnOff(t, "Remote Login")],
    ["dscl-admin.txt", parse.parseGroupMembership],
    ["dscl-admin-added.txt", parse.parseGroupMembership],
    ["dscl-access-ssh.txt", parse.parseGroupMembership],
    ["dscl-access-ssh-missing.txt", parse.parseGroupMembership],
    ["tmutil-destinationinfo.txt", parse.parseTmutilDestinations],
    ["tmutil-destinationinfo-none.txt", parse.parseTmutilDestinations],
    ["tmutil-latestbackup.txt", (t) => parse.parseTmutilLatest(t)?.getDate()],
    ["sysadminctl-screenlock-immediate.txt", parse.parseScreenLock],
    ["sysadminctl-screenlock-3600.txt", parse.parseScreenLock],
    ["sysadminctl-screenlock-off.txt", parse.parseScreenLock],
    ["sharing-list-none.txt", parse.parseSharing],
    ["sharing-list-public.txt", parse.parseSharing],
  ];
  const cases = parsers.map(([file, parser]): [string, unknown] => [file, parser(fx(file))]);
  test("parsed values", () => {
    expect(Object.fromEntries(cases)).toEqual({
      "fdesetup-status-on.txt": { on: true },
      "fdesetup-status-off.txt": { on: false },
      "fdesetup-status-encrypting.txt": { on: true, inProgress: "encryption 37.5%" },
      "socketfilterfw-globalstate-on.txt": { state: 1 },
      "socketfilterfw-globalstate-off.txt": { state: 0 },
      "spctl-status-on.txt": { enabled: true },
      "spctl-status-off.txt": { enabled: false },
      "csrutil-status-enabled.txt": { status: "enabled" },
      "csrutil-status-disabled.txt": { status: "disabled" },
      "csrutil-status-custom.txt": { status: "custom" },
      "softwareupdate-schedule-on.txt": { on: true },
      "softwareupdate-schedule-off.txt": { on: false },
      "softwareupdate-list-none.txt": [],
      "softwareupdate-list-pending.txt": [
        { label: "macOS Sonoma 14.7.2-23H311", recommended: true, restart: true },
        { label: "Safari18.2SonomaAuto-18.2", recommended: true, restart: false },
      ],
      "systemsetup-usingnetworktime-on.txt": { on: true },
      "systemsetup-usingnetworktime-off.txt": { on: false },
      "systemsetup-networktimeserver.txt": "time.apple.com",
      "systemsetup-remotelogin-on.txt": { on: true },
      "systemsetup-remotelogin-off.txt": { on: false },
      "dscl-admin.txt": ["root", "alice"],
      "dscl-admin-added.txt": ["root", "alice", "mallory"],
      "dscl-access-ssh.txt": ["malachor", "alice"],
      "dscl-access-ssh-missing.txt": undefined,
      "tmutil-destinationinfo.txt": [{ name: "TM-Backup", kind: "Network" }],
      "tmutil-destinationinfo-none.txt": [],
      "tmutil-latestbackup.txt": 1,
      "sysadminctl-screenlock-immediate.txt": { on: true, delaySec: 0 },
      "sysadminctl-screenlock-3600.txt": { on: true, delaySec: 3600 },
      "sysadminctl-screenlock-off.txt": { on: false, delaySec: Number.POSITIVE_INFINITY },
      "sharing-list-none.txt": [],
      "sharing-list-public.txt": [{ name: "Public", path: "/Users/alice/Public", smb: true }],
    });
    expect(parse.parseFdesetup("garbage")).toBeUndefined();
  });
});

/** Programs answering like macOS: argv (joined) → fixture on stdout, or on stderr for sysadminctl. */
type Mac = Record<string, { out?: string; err?: string; code?: number }>;

function writeFakeMac(bin: string, mac: Mac): void {
  for (const f of readdirSync(bin)) rmSync(join(bin, f));
  const byProgram = new Map<string, string[]>();
  Object.entries(mac).forEach(([line, r], i) => {
    const [prog, ...args] = line.split(" ");
    const dataOut = join(bin, `.${i}.out`);
    const dataErr = join(bin, `.${i}.err`);
    writeFileSync(dataOut, r.out ?? "");
    writeFileSync(dataErr, r.err ?? "");
    const arm = `  '${args.join(" ")}') cat '${dataOut}'; cat '${dataErr}' >&2; exit ${r.code ?? 0} ;;`;
    byProgram.set(prog!, [...(byProgram.get(prog!) ?? []), arm]);
  });
  for (const [prog, arms] of byProgram) {
    const p = join(bin, prog);
    writeFileSync(
      p,
      `#!/bin/sh\ncase "$*" in\n${arms.join("\n")}\n  *) echo "unexpected: $*" >&2; exit 64 ;;\nesac\n`,
    );
    chmodSync(p, 0o755);
  }
}

/** A self-signed certificate valid for `days` from now (negative: expired that many days ago). */
function certPem(days: number): string {
  const dir = mkdtempSync(join(tmpdir(), "malachor-maccert-"));
  const [k, csr, c] = ["k", "csr", "c"].map((n) => join(dir, n)) as [string, string, string];
  try {
    const req = ["req", "-new", "-newkey", "ed25519", "-nodes", "-subj", "/CN=wifi.clinic.test"];
    execFileSync("openssl", [...req, "-keyout", k, "-out", csr], { stdio: "ignore" });
    execFileSync("openssl", ["x509", "-req", "-in", csr, "-signkey", k, "-days", String(days), "-out", c], {
      stdio: "ignore",
    });
    return readFileSync(c, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tmStamp = (d: Date) => {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
};

function hardened(): Mac {
  const recent = tmStamp(new Date(Date.now() - 3 * 3_600_000));
  return {
    "fdesetup status": { out: fx("fdesetup-status-on.txt") },
    "socketfilterfw --getglobalstate": { out: fx("socketfilterfw-globalstate-on.txt") },
    "sharing -l": { out: fx("sharing-list-none.txt") },
    "softwareupdate --schedule": { out: fx("softwareupdate-schedule-on.txt") },
    "softwareupdate -l": { out: fx("softwareupdate-list-none.txt") },
    "sysadminctl -screenLock status": { err: fx("sysadminctl-screenlock-immediate.txt") },
    "systemsetup -getusingnetworktime": { out: fx("systemsetup-usingnetworktime-on.txt") },
    "systemsetup -getnetworktimeserver": { out: fx("systemsetup-networktimeserver.txt") },
    "tmutil destinationinfo": { out: fx("tmutil-destinationinfo.txt") },
    "tmutil latestbackup": { out: fx("tmutil-latestbackup.txt").replace(/\d{4}-\d{2}-\d{2}-\d{6}/, recent) },
    "security find-certificate -a -p /Library/Keychains/System.keychain": { out: certPem(365) },
    "spctl --status": { out: fx("spctl-status-on.txt") },
    "csrutil status": { out: fx("csrutil-status-enabled.txt") },
    "systemsetup -getremotelogin": { out: fx("systemsetup-remotelogin-on.txt") },
    "dscl . -read /Groups/com.apple.access_ssh GroupMembership": { out: fx("dscl-access-ssh.txt") },
    "dscl . -read /Groups/admin GroupMembership": { out: fx("dscl-admin.txt") },
  };
}

function drifted(): Mac {
  return {
    ...hardened(),
    "fdesetup status": { out: fx("fdesetup-status-off.txt") },
    "socketfilterfw --getglobalstate": { out: fx("socketfilterfw-globalstate-off.txt") },
    "sharing -l": { out: fx("sharing-list-public.txt") },
    "softwareupdate --schedule": { out: fx("softwareupdate-schedule-off.txt") },
    "softwareupdate -l": { out: fx("softwareupdate-list-pending.txt") },
    "sysadminctl -screenLock status": { err: fx("sysadminctl-screenlock-off.txt") },
    "systemsetup -getusingnetworktime": { out: fx("systemsetup-usingnetworktime-off.txt") },
    "tmutil destinationinfo": { out: fx("tmutil-destinationinfo-none.txt") },
    "security find-certificate -a -p /Library/Keychains/System.keychain": { out: certPem(-1) },
    "spctl --status": { out: fx("spctl-status-off.txt") },
    "csrutil status": { out: fx("csrutil-status-custom.txt") },
    "dscl . -read /Groups/com.apple.access_ssh GroupMembership": {
      err: fx("dscl-access-ssh-missing.txt"),
      code: 56,
    },
    "dscl . -read /Groups/admin GroupMembership": { out: fx("dscl-admin-added.txt") },
  };
}

const present = sshdRequirement();

describe.if(present)("macOS checks through the SSH executor (fixture programs on the PATH)", () => {
  let sshd: TestSshd;
  const db = openStateDb(":memory:");
  const baselines = sqliteBaselines(db);
  beforeAll(async () => {
    sshd = await startTestSshd();
  });
  afterAll(() => sshd?.stop());

  test("a hardened Mac passes all 13 checks; the same Mac drifted fails each of them", async () => {
    const scanner = new SshScanner({
      pins: memoryPins(),
      limiter: new Limiter(2),
      allowPassword: false,
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 30_000,
      maxBytes: 1 << 20,
      checkTimeoutMs: 5_000,
      settings: {
        ntpServers: [],
        ntpMaxOffsetMs: 500,
        allowedPorts: [],
        expectedServices: [],
        diskMaxPercent: 90,
      },
      baseline: (host) => ({
        get: (id) => baselines.get(host, id),
        set: (id, items) => baselines.set(host, id, items),
      }),
    });
    const target = {
      name: "mac-frontdesk",
      host: "127.0.0.1",
      port: sshd.port,
      user: sshd.user,
      os: "macos" as const,
      auth: { kind: "key" as const, keyFile: sshd.macosKey },
    };
    const statuses = (fs: { checkId: string; status: string }[]) =>
      Object.fromEntries(fs.slice(1).map((f) => [f.checkId, f.status]));
    writeFakeMac(sshd.fakeBin, hardened());
    const good = await scanner.scan(target, MACOS_CHECKS);
    expect(statuses(good.findings)).toEqual(Object.fromEntries(MACOS_CHECKS.map((c) => [c.id, "pass"])));
    writeFakeMac(sshd.fakeBin, drifted());
    const bad = await scanner.scan(target, MACOS_CHECKS);
    expect(bad.stats.misses).toBe(0);
    expect(statuses(bad.findings)).toEqual(Object.fromEntries(MACOS_CHECKS.map((c) => [c.id, "fail"])));
    const admin = bad.findings.find((f) => f.checkId === "macos.admin-users");
    expect(admin?.details.added).toEqual(["mallory"]);
  });
});
