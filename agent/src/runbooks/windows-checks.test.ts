import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { Finding } from "../../../protocol/finding.ts";
import { WINDOWS_CHECKS } from "../../../runbooks/index.ts";
import { startWinRmServer, type WinRmServer } from "../../../test/winrm-server/server.ts";
import {
  asWorkstation,
  compliantState,
  defaultState,
  mergeState,
  withDomainController,
} from "../../../test/winrm-server/state.ts";
import type { CycleContext } from "../daemon/providers.ts";
import { openStateDb } from "../queue/db.ts";
import { WinRmClient } from "../winrm/client.ts";
import { powerShellCommands } from "../winrm/powershell.ts";
import { sqliteBaselines } from "./baselines.ts";
import { combinedDetectScript } from "./combined.ts";
import { powerShellScript } from "./prelude.ts";
import {
  REACHABLE_CHECK,
  scanWindowsHost,
  type WindowsTarget,
  windowsCheckProvider,
} from "./windows-checks.ts";
import { WinRmExecutor } from "./winrm-executor.ts";

let a: WinRmServer;
const clients: WinRmClient[] = [];
const target = (s: WinRmServer | number, name: string, role?: WindowsTarget["role"]): WindowsTarget => {
  const c = new WinRmClient({
    host: "127.0.0.1",
    port: typeof s === "number" ? s : s.port,
    auth: { scheme: "ntlm", user: "svc", password: "pw" },
  });
  clients.push(c);
  return { executor: new WinRmExecutor(c, name), ...(role ? { role } : {}) };
};
const ctx = (disabled: string[] = []): CycleContext =>
  ({
    siteConfig: {},
    disabled: new Set(disabled),
    timeoutMs: 10_000,
    signal: new AbortController().signal,
  }) as unknown as CycleContext;
const forRole = (role: string) => WINDOWS_CHECKS.filter((c) => c.roles.some((r) => r === role));
const byId = (fs: Finding[]): Record<string, string> =>
  Object.fromEntries(fs.map((f) => [f.checkId, f.status]));

beforeAll(async () => {
  a = await startWinRmServer({ user: "svc", password: "pw", state: defaultState("CLINIC-FS01") });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await a.close();
});

describe("Windows checks by role, one combined scan per host", () => {
  test("the catalogue has at least 32 Windows checks, each with a citation or a reason it needs a person", () => {
    expect(WINDOWS_CHECKS.length).toBeGreaterThanOrEqual(32);
    for (const c of WINDOWS_CHECKS) expect(c.citations.length).toBeGreaterThan(0);
    for (const c of WINDOWS_CHECKS)
      expect(c.runbooks.length > 0 || (c.monitorOnly ?? "").length > 10).toBe(true);
  });

  test.each([
    ["server", (n: string) => defaultState(n), (n: string) => compliantState(n)],
    [
      "domain-controller",
      (n: string) => withDomainController(defaultState(n), false),
      (n: string) => withDomainController(compliantState(n), true),
    ],
    [
      "workstation",
      (n: string) => asWorkstation(defaultState(n)),
      (n: string) => asWorkstation(compliantState(n)),
    ],
  ] as const)(
    "%s: detected role, its checks only; drifted fails each, compliant passes each",
    async (role, drifted, compliant) => {
      const checks = forRole(role);
      for (const [state, want] of [
        [drifted("HOST-A"), "fail"],
        [compliant("HOST-A"), "pass"],
      ] as const) {
        a.state = state;
        const before = a.wsman.actions.filter((x) => x === "Command").length;
        const scan = await scanWindowsHost(target(a, "HOST-A"), WINDOWS_CHECKS, 60_000);
        expect(scan.role).toBe(role);
        for (const f of scan.findings) expect(v.safeParse(Finding, f).issues).toBeUndefined();
        expect(scan.findings.map((f) => f.checkId).sort()).toEqual(checks.map((c) => c.id).sort());
        const expected = Object.fromEntries(
          checks.map((c) => [
            c.id,
            // Baseline checks pass the first time (that scan records the baseline); a pending
            // restart is a warning, not a failure.
            c.baseline ? "pass" : c.id === "windows.pending-reboot" && want === "fail" ? "warn" : want,
          ]),
        );
        expect(byId(scan.findings)).toEqual(expected);
        // The scan is uploaded in command-line-sized pieces, then runs once.
        expect(a.wsman.actions.filter((x) => x === "Command").length - before).toBeLessThan(20);
      }
    },
  );

  test("every role's combined scan is sent in pieces within the 8191-character command line", () => {
    for (const role of ["server", "domain-controller", "workstation"]) {
      const items = forRole(role).map((c) => ({ id: c.id, detect: c.detect, roles: c.roles, params: {} }));
      const steps = powerShellCommands(powerShellScript(combinedDetectScript(items), { params: {} }));
      expect(steps.length).toBeGreaterThan(1);
      for (const s of steps) expect(s.length).toBeLessThanOrEqual(8191);
    }
  });

  test("baseline checks: first scan records, a new scheduled task then fails naming it, a restart keeps the baseline", async () => {
    const db = openStateDb(":memory:");
    a.state = compliantState("HOST-B");
    const first = await scanWindowsHost(target(a, "HOST-B"), WINDOWS_CHECKS, 60_000, {
      baselines: sqliteBaselines(db),
    });
    expect(first.findings.find((f) => f.checkId === "windows.persistence-tasks")?.actual).toContain(
      "baseline recorded",
    );
    a.state = mergeState(a.state, {
      scheduledTasks: [
        ...a.state.scheduledTasks,
        { taskName: "Updater", taskPath: "\\", state: "Ready", execute: "C:\\Users\\Public\\u.exe" },
      ],
      localGroups: {
        Administrators: [
          ...(a.state.localGroups.Administrators ?? []),
          { name: "HOST-B\\helpdesk", objectClass: "User", principalSource: "Local" },
        ],
      },
    });
    // A new store over the same database: what a restarted daemon sees.
    const second = await scanWindowsHost(target(a, "HOST-B"), WINDOWS_CHECKS, 60_000, {
      baselines: sqliteBaselines(db),
    });
    const tasks = second.findings.find((f) => f.checkId === "windows.persistence-tasks");
    expect(tasks).toMatchObject({
      status: "fail",
      details: { added: ["\\Updater => C:\\Users\\Public\\u.exe"] },
    });
    expect(second.findings.find((f) => f.checkId === "windows.local-admins")).toMatchObject({
      status: "fail",
      details: { added: ["HOST-B\\helpdesk"] },
    });
    expect(second.findings.find((f) => f.checkId === "windows.persistence-services")?.status).toBe("pass");
    db.close();
  });

  test("a switched-off workstation is unreachable (one unscored finding); an unreachable server is an error per check", async () => {
    const off = await scanWindowsHost(target(1, "EXAM-PC3", "workstation"), WINDOWS_CHECKS, 5_000);
    expect(off.findings).toHaveLength(1);
    expect(off.findings[0]).toMatchObject({ checkId: REACHABLE_CHECK, status: "unreachable", citations: [] });
    expect(v.safeParse(Finding, off.findings[0]).issues).toBeUndefined();
    const server = await scanWindowsHost(target(1, "CLINIC-FS02", "server"), WINDOWS_CHECKS, 5_000);
    expect(server.findings.map((f) => f.checkId).sort()).toEqual(
      forRole("server")
        .map((c) => c.id)
        .sort(),
    );
    expect(
      server.findings.every((f) => f.status === "error" && f.actual?.includes("connection refused")),
    ).toBe(true);
  });

  test("the provider keeps each role's cadence and skips disabled checks; a failing detect errs for that check only", async () => {
    let clock = Date.parse("2026-12-04T10:00:00Z");
    a.state = mergeState(defaultState("CLINIC-FS01"), { backup: { installed: false } });
    const provider = windowsCheckProvider({
      checks: WINDOWS_CHECKS,
      targets: () => [target(a, "CLINIC-FS01")],
      cadenceSec: { server: 900 },
      now: () => new Date(clock),
    });
    const findings = await provider.collect(ctx(["windows.smb1"]));
    expect(findings.map((f) => f.checkId)).not.toContain("windows.smb1");
    const backup = findings.find((f) => f.checkId === "windows.backup");
    expect(backup?.status).toBe("error");
    expect(backup?.actual).toContain("Get-WBSummary");
    expect(findings.filter((f) => f.status === "error")).toHaveLength(1);
    clock += 600_000;
    expect(await provider.collect(ctx())).toEqual([]);
    clock += 300_000;
    expect((await provider.collect(ctx())).length).toBe(forRole("server").length);
  });
});
