import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { Finding } from "../../../protocol/finding.ts";
import { RUNBOOKS } from "../../../runbooks/index.ts";
import { startWinRmServer, type WinRmServer } from "../../../test/winrm-server/server.ts";
import { compliantState, defaultState, mergeState } from "../../../test/winrm-server/state.ts";
import type { CycleContext } from "../daemon/providers.ts";
import { WinRmClient } from "../winrm/client.ts";
import { windowsCheckProvider } from "./windows-checks.ts";
import { WinRmExecutor } from "./winrm-executor.ts";

let a: WinRmServer;
let b: WinRmServer;
const clients: WinRmClient[] = [];
const executor = (s: WinRmServer, name: string) => {
  const c = new WinRmClient({
    host: "127.0.0.1",
    port: s.port,
    auth: { scheme: "ntlm", user: "svc", password: "pw" },
  });
  clients.push(c);
  return new WinRmExecutor(c, name);
};
const ctx = (disabled: string[] = []): CycleContext =>
  ({
    siteConfig: {},
    disabled: new Set(disabled),
    timeoutMs: 10_000,
    signal: new AbortController().signal,
  }) as unknown as CycleContext;
const windowsIds = RUNBOOKS.filter((r) => r.spec.platform === "windows").map((r) => r.spec.checkId);

beforeAll(async () => {
  a = await startWinRmServer({ user: "svc", password: "pw", state: defaultState("CLINIC-FS01") });
  b = await startWinRmServer({ user: "svc", password: "pw", state: compliantState("CLINIC-DC01") });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await a.close();
  await b.close();
});

describe("Windows CheckProvider", () => {
  test("one combined scan per host yields a valid Finding per Windows check", async () => {
    const provider = windowsCheckProvider({
      runbooks: RUNBOOKS,
      executors: () => [executor(a, "CLINIC-FS01"), executor(b, "CLINIC-DC01")],
    });
    const before = a.wsman.actions.filter((x) => x === "Command").length;
    const findings = await provider.collect(ctx());
    expect(findings).toHaveLength(windowsIds.length * 2);
    for (const f of findings) expect(v.safeParse(Finding, f).issues).toBeUndefined();
    const drifted = findings.filter((f) => f.host === "CLINIC-FS01");
    const clean = findings.filter((f) => f.host === "CLINIC-DC01");
    expect(drifted.map((f) => [f.checkId, f.status])).toEqual(windowsIds.map((id) => [id, "fail"]));
    expect(clean.map((f) => [f.checkId, f.status])).toEqual(windowsIds.map((id) => [id, "pass"]));
    expect(drifted.find((f) => f.checkId === "windows.firewall")).toMatchObject({
      severity: "high",
      citations: ["§164.312(e)(1)", "§164.312(a)(1)"],
      actual: "disabled: Private, Public; inbound allowed by default: Public",
    });
    // The scan is uploaded in command-line-sized pieces, then runs once.
    expect(a.wsman.actions.filter((x) => x === "Command").length - before).toBeLessThan(8);
  });

  test("disabled checks are skipped; a failing detect is an error for that check only", async () => {
    a.state = mergeState(defaultState("CLINIC-FS01"), { backup: { installed: false } });
    const provider = windowsCheckProvider({
      runbooks: RUNBOOKS,
      executors: () => [executor(a, "CLINIC-FS01")],
    });
    const findings = await provider.collect(ctx(["windows.smb1"]));
    expect(findings.map((f) => f.checkId)).not.toContain("windows.smb1");
    const backup = findings.find((f) => f.checkId === "windows.backup");
    expect(backup?.status).toBe("error");
    expect(backup?.actual).toContain("Get-WBSummary");
    expect(findings.filter((f) => f.status === "error")).toHaveLength(1);
  });

  test("an unreachable host gives an error finding per check naming the cause", async () => {
    const c = new WinRmClient({
      host: "127.0.0.1",
      port: 1,
      auth: { scheme: "ntlm", user: "svc", password: "pw" },
    });
    const provider = windowsCheckProvider({
      runbooks: RUNBOOKS,
      executors: () => [new WinRmExecutor(c, "OFFLINE-PC")],
    });
    const findings = await provider.collect(ctx());
    expect(findings).toHaveLength(windowsIds.length);
    expect(findings.every((f) => f.status === "error" && f.actual?.includes("connection refused"))).toBe(
      true,
    );
  });
});
