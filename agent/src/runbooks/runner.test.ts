import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { KeyEscrow } from "../../../protocol/ingest.ts";
import { RemediationReceipt } from "../../../protocol/receipt.ts";
import { RUNBOOKS, runbookById } from "../../../runbooks/index.ts";
import { useLoopbackWinRm } from "../../../test/winrm-server/loopback.ts";
import {
  asWorkstation,
  clearVolume,
  compliantState,
  defaultState,
  HARDENED_REGISTRY,
  mergeState,
  type WindowsState,
  withDomainController,
} from "../../../test/winrm-server/state.ts";
import type { RunbookExecutor, ScriptInput } from "./executor.ts";
import { runRunbook } from "./runner.ts";
import { LocalShellExecutor } from "./shell-executor.ts";
import { WinRmExecutor } from "./winrm-executor.ts";

const USER = "CLINIC\\svc-malachor";
const PASSWORD = "runbook-test-pw";
const winrm = useLoopbackWinRm({ user: USER, password: PASSWORD });
let executor: WinRmExecutor;

beforeAll(async () => {
  executor = new WinRmExecutor(winrm.client, "CLINIC-FS01");
});
beforeEach(() => {
  winrm.server.state = defaultState();
});

/** Reports verify as failed (after remediation really ran) to force the rollback path. */
class FailingVerify implements RunbookExecutor {
  readonly platform = "windows" as const;
  readonly host = "CLINIC-FS01";
  constructor(readonly verifyScript: string) {}
  run(script: string, input: ScriptInput, timeoutMs: number) {
    if (script === this.verifyScript)
      return Promise.resolve({
        stdout: '{"status":"fail","actual":"forced failure"}\r\n',
        stderr: "",
        exitCode: 0,
      });
    return executor.run(script, input, timeoutMs);
  }
}

type Row = {
  id: string;
  /** The part of the state this runbook changes (compared before/after rollback). */
  pick: (s: WindowsState) => unknown;
  /** After a successful fix. */
  fixed: (s: WindowsState) => void;
  patch?: unknown;
};

const ROWS: Row[] = [
  {
    id: "windows.bitlocker",
    pick: (s) =>
      s.bitlocker.volumes.map((v) => ({
        status: v.protectionStatus,
        protectors: v.keyProtectors.length,
        autoUnlock: v.autoUnlock ?? false,
      })),
    fixed: (s) => {
      // Every fixed volume: the system drive with its TPM, the data drive unlocked by it at boot;
      // the USB stick is left alone.
      const [c, d, e] = s.bitlocker.volumes;
      expect(c?.protectionStatus).toBe("On");
      expect(c?.keyProtectors.map((k) => k.type).sort()).toEqual(["RecoveryPassword", "Tpm"]);
      expect(d).toMatchObject({ mountPoint: "D:", protectionStatus: "On", autoUnlock: true });
      expect(d?.keyProtectors.map((k) => k.type)).toEqual(["RecoveryPassword"]);
      expect(e).toMatchObject({ mountPoint: "E:", volumeType: "Removable", protectionStatus: "Off" });
    },
  },
  {
    id: "windows.defender",
    pick: (s) => s.defender.realTimeProtectionEnabled,
    fixed: (s) => {
      expect(s.defender.realTimeProtectionEnabled).toBe(true);
      expect(Date.now() - Date.parse(s.defender.signatureLastUpdated)).toBeLessThan(60_000);
    },
  },
  {
    id: "windows.firewall",
    pick: (s) => s.firewall,
    fixed: (s) =>
      expect(Object.values(s.firewall).every((p) => p.enabled && p.defaultInboundAction === "Block")).toBe(
        true,
      ),
  },
  {
    id: "windows.patching",
    pick: (s) => s.services.wuauserv,
    fixed: (s) => {
      expect(s.updates.hotfixes.map((h) => h.id)).toContain("KB5041160");
      expect(s.services.wuauserv?.startType).toBe("Manual");
    },
  },
  {
    id: "windows.password-policy",
    pick: (s) => s.accounts,
    fixed: (s) =>
      expect(s.accounts).toMatchObject({
        minPasswordLength: 12,
        lockoutThreshold: 5,
        lockoutDurationMin: 30,
      }),
  },
  {
    id: "windows.audit-policy",
    pick: (s) => s.audit,
    fixed: (s) => {
      expect(s.audit.Logon).toBe("Success and Failure");
      expect(s.audit["User Account Management"]).toBe("Success and Failure");
    },
  },
  {
    id: "windows.backup",
    pick: (s) => s.backup.lastSuccessfulBackupTime !== null,
    fixed: (s) =>
      expect(Date.now() - Date.parse(s.backup.lastSuccessfulBackupTime as string)).toBeLessThan(60_000),
  },
  {
    id: "windows.screen-lock",
    pick: (s) => s.registry["HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System"],
    fixed: (s) =>
      expect(
        s.registry["HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System"]
          ?.InactivityTimeoutSecs,
      ).toBe(900),
  },
  {
    id: "windows.smb1",
    pick: (s) => s.smb,
    fixed: (s) => expect(s.smb.enableSMB1Protocol).toBe(false),
  },
  {
    id: "windows.smb-signing",
    pick: (s) => s.smb,
    fixed: (s) => expect(s.smb.requireSecuritySignature).toBe(true),
  },
  {
    id: "windows.rdp-nla",
    pick: (s) =>
      s.registry["HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp"],
    fixed: (s) =>
      expect(
        s.registry["HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp"],
      ).toMatchObject({ UserAuthentication: 1, SecurityLayer: 2 }),
  },
  {
    id: "windows.guest-account",
    pick: (s) => s.users,
    fixed: (s) => expect(s.users.find((u) => u.sid.endsWith("-501"))?.enabled).toBe(false),
  },
  {
    id: "windows.event-log",
    pick: (s) => s.eventLogs,
    fixed: (s) => {
      expect(s.eventLogs.Security?.maximumKilobytes).toBe(196608);
      expect(s.eventLogs.System?.maximumKilobytes).toBe(32768);
    },
  },
];

/** Registry and service runbooks (generated from runbook.toml): the whole registry or service table. */
const GENERATED: Row[] = [
  ...[
    "windows.uac",
    "windows.ntlmv2",
    "windows.lm-hash",
    "windows.anonymous-access",
    "windows.lsa-protection",
    "windows.wdigest",
    "windows.tls-legacy",
    "windows.llmnr",
    "windows.netbios",
    "windows.removable-storage",
    "windows.winrm-unencrypted",
    "windows.autorun",
    "windows.powershell-logging",
    "windows.cached-logons",
    "windows.rdp-encryption",
    "windows.rdp-idle-timeout",
    "windows.smb-client-signing",
    "windows.smb-null-session",
    "windows.firewall-logging",
    "windows.defender-cloud",
    "windows.defender-pua",
    "windows.auto-update",
    "windows.machine-lockout",
  ].map((id) => ({
    id,
    pick: (s: WindowsState) => s.registry,
    // Fixed means the hardened values are in the registry now (HARDENED_REGISTRY is written by hand).
    fixed: (s: WindowsState) => {
      const changed = HARDENED_REGISTRY.filter(
        ([p, n]) => s.registry[p]?.[n] !== defaultState().registry[p]?.[n],
      );
      expect(changed.length).toBeGreaterThan(0);
    },
  })),
  {
    id: "windows.remote-registry",
    pick: (s) => s.services,
    fixed: (s) =>
      expect(s.services.RemoteRegistry).toMatchObject({ status: "Stopped", startType: "Disabled" }),
  },
  {
    id: "windows.print-spooler",
    pick: (s) => s.services,
    fixed: (s) => expect(s.services.Spooler).toMatchObject({ status: "Stopped", startType: "Disabled" }),
  },
  {
    id: "windows.dc-services",
    pick: (s) => s.services,
    fixed: (s) => {
      expect(s.services.Netlogon).toMatchObject({ status: "Running", startType: "Automatic" });
      expect(s.services.DNS).toMatchObject({ status: "Running", startType: "Automatic" });
    },
  },
  {
    id: "windows.firewall-rules",
    pick: (s) => s.firewallRules,
    fixed: (s) => expect(s.firewallRules.filter((r) => r.enabled).map((r) => r.name)).toEqual([]),
  },
];

describe("Windows runbooks against the WinRM test server", () => {
  test("every Windows runbook in the catalogue has a row here", () => {
    const windows = RUNBOOKS.filter((r) => r.spec.platform === "windows").map((r) => r.spec.id);
    expect(windows.length).toBeGreaterThanOrEqual(40);
    expect([...ROWS, ...GENERATED].map((r) => r.id).sort()).toEqual(windows.sort());
  });

  for (const row of [...ROWS, ...GENERATED]) {
    test(`${row.id}: detect fails → remediate → verify passes`, async () => {
      if (row.id === "windows.dc-services")
        winrm.server.state = withDomainController(winrm.server.state, false);
      if (row.patch) winrm.server.state = mergeState(winrm.server.state, row.patch);
      const runbook = runbookById(row.id);
      if (!runbook) throw new Error(`no runbook ${row.id}`);
      const run = await runRunbook({ runbook, executor });
      expect({ error: run.error, outcome: run.outcome }).toEqual({ error: undefined, outcome: "fixed" });
      expect(run.before.status).toBe("fail");
      expect(run.verify).toBe("pass");
      expect(run.after?.status === "pass" || run.after?.status === "warn").toBe(true);
      row.fixed(winrm.server.state);
      // The run carries everything a receipt needs once the healer adds id + decidedBy.
      const receipt = {
        ...run,
        id: "r-1",
        decidedBy: { tier: "L3", person: "test" },
        outcome: run.outcome as "fixed",
      };
      const { remediation: _r, escrow: _e, ...fields } = receipt;
      expect(v.safeParse(RemediationReceipt, fields).issues).toBeUndefined();
    });

    test(`${row.id}: a failed verify rolls back to the captured state`, async () => {
      if (row.id === "windows.dc-services")
        winrm.server.state = withDomainController(winrm.server.state, false);
      const runbook = runbookById(row.id);
      if (!runbook) throw new Error(`no runbook ${row.id}`);
      const before = structuredClone(row.pick(winrm.server.state));
      const run = await runRunbook({ runbook, executor: new FailingVerify(runbook.scripts.verify) });
      expect(run.verify).toBe("fail");
      if (runbook.spec.rollback) {
        expect({ outcome: run.outcome, rollback: run.rollback?.ok }).toEqual({
          outcome: "rolled-back",
          rollback: true,
        });
        expect(row.pick(winrm.server.state)).toEqual(before);
      } else {
        expect(run.outcome).toBe("failed");
        expect(run.rollback).toBeNull();
      }
    });
  }

  test("on a compliant host of each role every detect passes and nothing is changed", async () => {
    const hosts = {
      server: compliantState(),
      "domain-controller": withDomainController(compliantState(), true),
      workstation: asWorkstation(compliantState()),
    };
    for (const runbook of RUNBOOKS.filter((r) => r.spec.platform === "windows")) {
      winrm.server.state = structuredClone(hosts[runbook.roles[0] as keyof typeof hosts]);
      const snapshot = JSON.stringify(winrm.server.state);
      const run = await runRunbook({ runbook, executor });
      expect({ id: runbook.spec.id, outcome: run.outcome, error: run.error }).toEqual({
        id: runbook.spec.id,
        outcome: "not-needed",
        error: undefined,
      });
      expect(JSON.stringify(winrm.server.state)).toBe(snapshot);
    }
  });

  test("BitLocker recovery keys (one per fixed volume) come out as KeyEscrow and never stay in details", async () => {
    const run = await runRunbook({ runbook: runbookById("windows.bitlocker")!, executor });
    expect(run.escrow.map((k) => k.volume)).toEqual(["C:", "D:"]);
    for (const [i, escrowed] of run.escrow.entries()) {
      const key = v.parse(KeyEscrow, escrowed);
      expect(key.host).toBe("CLINIC-FS01");
      const stored = winrm.server.state.bitlocker.volumes[i]?.keyProtectors.find(
        (k) => k.type === "RecoveryPassword",
      );
      expect(key.recoveryPassword).toBe(stored?.recoveryPassword as string);
      expect(JSON.stringify({ ...run, escrow: [] })).not.toContain(key.recoveryPassword);
    }
    expect(run.remediation?.details.adBackup).toBe(true);
  });

  test("BitLocker: a data volume alone unprotected fails the check; removable drives do not count", async () => {
    winrm.server.state = compliantState("CLINIC-FS01");
    const d = winrm.server.state.bitlocker.volumes[1]!;
    Object.assign(d, {
      protectionStatus: "Off",
      volumeStatus: "FullyDecrypted",
      keyProtectors: [],
      autoUnlock: undefined,
    });
    winrm.server.state.bitlocker.volumes.push(clearVolume("F:", "Removable"));
    const run = await runRunbook({ runbook: runbookById("windows.bitlocker")!, executor });
    expect(run.before).toMatchObject({ status: "fail", details: { unprotected: ["D:"], inProgress: false } });
    expect({ outcome: run.outcome, verify: run.verify }).toEqual({ outcome: "fixed", verify: "pass" });
    expect(run.escrow.map((k) => k.volume)).toEqual(["C:", "D:"]);
    expect(winrm.server.state.bitlocker.volumes.find((x) => x.mountPoint === "F:")?.protectionStatus).toBe(
      "Off",
    );
  });

  test("dry run detects and changes nothing", async () => {
    const snapshot = JSON.stringify(winrm.server.state);
    const run = await runRunbook({ runbook: runbookById("windows.firewall")!, executor, dryRun: true });
    expect(run).toMatchObject({ outcome: "dry-run", verify: "skipped", after: null, dryRun: true });
    expect(JSON.stringify(winrm.server.state)).toBe(snapshot);
  });

  test("a failing remediation is reported with the script's error", async () => {
    winrm.server.state = mergeState(winrm.server.state, { backup: { targets: [] } });
    const run = await runRunbook({ runbook: runbookById("windows.backup")!, executor });
    expect(run.outcome).toBe("failed");
    expect(run.error).toMatch(
      /runbook windows\.backup on CLINIC-FS01: remediate exited 1: .*wbadmin failed with exit code 2/,
    );
  });

  test("parameters are held to the runbook's bounds", async () => {
    await expect(
      runRunbook({ runbook: runbookById("windows.screen-lock")!, executor, params: { max_seconds: 3600 } }),
    ).rejects.toThrow('parameter "max_seconds" of windows.screen-lock must be between 60 and 900');
    await expect(
      runRunbook({ runbook: runbookById("windows.screen-lock")!, executor, params: { bogus: 1 } }),
    ).rejects.toThrow('has no parameter "bogus"');
  });

  test("parameters reach the script", async () => {
    const run = await runRunbook({
      runbook: runbookById("windows.screen-lock")!,
      executor,
      params: { max_seconds: 300 },
    });
    expect(run.outcome).toBe("fixed");
    expect(
      winrm.server.state.registry["HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System"]
        ?.InactivityTimeoutSecs,
    ).toBe(300);
  });
});

describe("Linux runbooks through the local shell executor", () => {
  test("linux.ssh-hardening on a fake root: detect → remediate → verify", async () => {
    const runbook = runbookById("linux.ssh-hardening");
    if (!runbook) throw new Error("linux.ssh-hardening missing from the catalogue");
    const root = mkdtempSync(join(tmpdir(), "malachor-runner-"));
    try {
      mkdirSync(join(root, "etc/ssh"), { recursive: true });
      writeFileSync(join(root, "etc/ssh/sshd_config"), "PasswordAuthentication yes\nPermitRootLogin yes\n");
      const run = await runRunbook({
        runbook,
        executor: new LocalShellExecutor("appliance", { MALACHOR_ROOT: root }),
      });
      expect({ outcome: run.outcome, error: run.error }).toEqual({ outcome: "fixed", error: undefined });
      expect(readFileSync(join(root, "etc/ssh/sshd_config"), "utf8")).toContain("PasswordAuthentication");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
