import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Interpreter } from "./ps/interp.ts";
import { startWinRmServer, type WinRmServer } from "./server.ts";
import { defaultState } from "./state.ts";
import { windowsHost } from "./windows.ts";

describe("control API", () => {
  let server: WinRmServer;
  let base: string;
  beforeAll(async () => {
    server = await startWinRmServer({ user: "u", password: "p" });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  test("POST /_sim/state merges drift into the state; /_sim/reset restores it", async () => {
    const r = await fetch(`${base}/_sim/state`, {
      method: "POST",
      body: JSON.stringify({ smb: { enableSMB1Protocol: false }, firewall: { Public: { enabled: true } } }),
    });
    expect(r.status).toBe(200);
    const state = await (await fetch(`${base}/_sim/state`)).json();
    expect(state.smb).toEqual({
      enableSMB1Protocol: false,
      enableSMB2Protocol: true,
      requireSecuritySignature: false,
    });
    expect(state.firewall.Public).toEqual({ enabled: true, defaultInboundAction: "Allow" });
    await fetch(`${base}/_sim/reset`, { method: "POST" });
    expect(server.state.smb.enableSMB1Protocol).toBe(true);
  });

  test("POST /_sim/faults sets fault injection; unknown endpoints are 404", async () => {
    await fetch(`${base}/_sim/faults`, { method: "POST", body: JSON.stringify({ http500: 2 }) });
    expect(server.faults.http500).toBe(2);
    expect((await fetch(`${base}/wsman`, { method: "POST", body: "" })).status).toBe(500);
    server.faults.http500 = 0;
    expect((await fetch(`${base}/_sim/nope`)).status).toBe(404);
  });

  test("unauthenticated WS-Man requests get a Negotiate challenge request", async () => {
    const r = await fetch(`${base}/wsman`, { method: "POST", body: "<x/>" });
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe("Negotiate");
  });
});

describe("PowerShell subset", () => {
  const run = (script: string) => new Interpreter(windowsHost(defaultState(), "svc")).run(script);
  const cases: [string, string, string][] = [
    ["arithmetic and precedence", "1 + 2 * 3", "7"],
    ["comparison is case-insensitive", "'ABC' -eq 'abc'", "True"],
    ["array filtering with -eq", "(@(1,2,3,2) -eq 2).Count", "2"],
    ["expandable strings", '$x = 5; "x=$x, y=$($x * 2)"', "x=5, y=10"],
    [
      "hashtable to JSON",
      "[ordered]@{ a = 1; b = @('x'); c = $null } | ConvertTo-Json -Compress",
      '{"a":1,"b":["x"],"c":null}',
    ],
    [
      "pipeline with Where-Object and Select-Object",
      "@(5,3,9) | Where-Object { $_ -gt 4 } | Sort-Object | Select-Object -First 1",
      "5",
    ],
    ["if/elseif/else as a value", "$s = if ($false) { 'a' } elseif ($true) { 'b' } else { 'c' }; $s", "b"],
    ["-match sets $Matches", "if ('len: 14' -match 'len:\\s+(\\d+)') { [int]$Matches[1] + 1 }", "15"],
    ["try/catch catches thrown errors", "try { throw 'boom' } catch { \"caught $_\" }", "caught boom"],
    ["member enumeration", "(Get-NetFirewallProfile).Name -join ','", "Domain,Private,Public"],
    ["dates subtract to a timespan", "[int]((Get-Date) - (Get-Date).AddDays(-3)).TotalDays", "3"],
  ];
  test.each(cases)("%s", (_name, script, expected) => {
    const r = run(script);
    expect({ out: r.stdout.trim(), err: r.stderr, code: r.exitCode }).toEqual({
      out: expected,
      err: "",
      code: 0,
    });
  });

  test("unknown commands fail like powershell.exe", () => {
    const r = run("Get-Nothing");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("The term 'Get-Nothing' is not recognized");
  });
});
