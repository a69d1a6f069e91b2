import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startWinRmServer, type WinRmServer } from "../../../test/winrm-server/server.ts";
import { WinRmClient } from "./client.ts";
import {
  WinRmAuthError,
  WinRmConnectError,
  type WinRmError,
  WinRmFaultError,
  WinRmHttpError,
  WinRmPlainHttpError,
  WinRmTimeoutError,
  WinRmTlsError,
} from "./errors.ts";

const USER = "CLINIC\\svc-malachor";
const PASSWORD = "Tr0ub4dor&3-never-logged";
const fixtures = join(import.meta.dir, "../../../test/winrm-server/fixtures");
const tls = {
  key: readFileSync(join(fixtures, "tls-key.pem"), "utf8"),
  cert: readFileSync(join(fixtures, "tls-cert.pem"), "utf8"),
};
const fingerprint = createHash("sha256").update(new X509Certificate(tls.cert).raw).digest("hex");

let server: WinRmServer;
let httpsServer: WinRmServer;
const logs: string[] = [];
const ntlm = (over: Partial<ConstructorParameters<typeof WinRmClient>[0]> = {}) =>
  new WinRmClient({
    host: "127.0.0.1",
    port: server.port,
    auth: { scheme: "ntlm", user: USER, password: PASSWORD },
    log: (l) => logs.push(l),
    ...over,
  });

beforeAll(async () => {
  server = await startWinRmServer({ user: USER, password: PASSWORD });
  httpsServer = await startWinRmServer({ user: USER, password: PASSWORD, tls });
});
afterAll(async () => {
  await server.close();
  await httpsServer.close();
});
beforeEach(() => {
  Object.assign(server.faults, { http500: 0, delayMs: 0, commandDelayMs: 0, maxOperationsPerShell: 1500 });
});

describe("WinRM client over NTLM with sealing", () => {
  test("runs cmd and PowerShell commands and reuses one shell", async () => {
    const c = ntlm();
    const before = server.wsman.actions.filter((a) => a === "Create").length;
    expect(await c.run("hostname")).toEqual({ stdout: "CLINIC-FS01\r\n", stderr: "", exitCode: 0 });
    const ps = await c.runPowerShell('$p = Get-NetFirewallProfile -Name Public\n"$($p.Name)=$($p.Enabled)"');
    expect(ps.stdout.trim()).toBe("Public=False");
    const bad = await c.runPowerShell("exit 7");
    expect(bad.exitCode).toBe(7);
    expect(server.wsman.actions.filter((a) => a === "Create").length - before).toBe(1);
    await c.close();
    expect(server.wsman.actions.at(-1)).toBe("Delete");
  });

  test("concurrent commands on one client share one NTLM session and shell", async () => {
    const c = ntlm();
    const results = await Promise.all(Array.from({ length: 6 }, () => c.run("hostname")));
    expect(results.every((r) => r.stdout === "CLINIC-FS01\r\n")).toBe(true);
    await c.close();
  });

  test("sends scripts longer than the command-line limit in pieces", async () => {
    const c = ntlm();
    const script = `$n = 0\n${"# filler line to push the script past the cmd.exe command-line limit\n".repeat(400)}"script ran: $n"`;
    const r = await c.runPowerShell(script);
    expect(r).toMatchObject({ stdout: "script ran: 0\r\n", exitCode: 0 });
    // The temp file is removed after running.
    expect(Object.keys(server.state.files)).toEqual([]);
    await c.close();
  });

  test("streams output across several Receive responses when MaxEnvelopeSize is small", async () => {
    const c = ntlm({ maxEnvelopeSize: 8192 });
    const chunks: Buffer[] = [];
    const r = await c.runPowerShell(
      "foreach ($i in @(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20)) { \"line $i \" + ('.' * 500) }",
      {
        onOutput: (_s, b) => chunks.push(b),
      },
    );
    expect(r.stdout.split("\r\n").filter(Boolean)).toHaveLength(20);
    expect(chunks.length).toBeGreaterThan(1);
    await c.close();
  });

  test("recovers from a MaxConcurrentOperationsPerUser quota fault by resetting the shell", async () => {
    server.faults.maxOperationsPerShell = 2;
    const c = ntlm();
    for (let i = 0; i < 5; i++) expect((await c.run("hostname")).exitCode).toBe(0);
    expect(logs.some((l) => l.includes("quota fault"))).toBe(true);
    await c.close();
  });

  test("re-authenticates when the server drops the connection and its NTLM session", async () => {
    const c = ntlm();
    await c.run("hostname");
    server.dropConnections();
    await Bun.sleep(20);
    expect((await c.run("hostname")).stdout).toBe("CLINIC-FS01\r\n");
    expect(logs.filter((l) => l.includes("NTLM session established")).length).toBeGreaterThanOrEqual(2);
    await c.close();
  });

  test("a shell the server forgot is replaced transparently", async () => {
    const c = ntlm();
    await c.run("hostname");
    server.wsman.shells.clear();
    expect((await c.run("hostname")).exitCode).toBe(0);
    expect(logs.some((l) => l.includes("shell gone"))).toBe(true);
    await c.close();
  });

  test("SOAP faults become WinRmFaultError with subcode, code and reason", async () => {
    const c = ntlm();
    const shell = await c.createShell();
    const err = await c.receive(shell, "NO-SUCH-COMMAND", Date.now() + 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WinRmFaultError);
    expect(err).toMatchObject({ kind: "fault", subcode: "w:InvalidParameter", wsmanCode: 2150858770 });
    expect((err as Error).message).toMatch(
      /winrm: 127\.0\.0\.1:\d+ answered fault w:InvalidParameter \(2150858770\): The command NO-SUCH-COMMAND was not found/,
    );
    await c.deleteShell(shell);
    await c.close();
  });

  test("long-polls Receive through OperationTimeout faults until the command finishes", async () => {
    server.faults.commandDelayMs = 2500;
    const c = ntlm({ operationTimeoutSec: 1 });
    const r = await c.run("hostname");
    expect(r.stdout).toBe("CLINIC-FS01\r\n");
    await c.close();
  });
});

describe("distinct, actionable errors", () => {
  const cases: {
    name: string;
    make: () => WinRmClient;
    setup?: () => void;
    type: new (...a: never[]) => WinRmError;
    kind: WinRmError["kind"];
    message: RegExp;
  }[] = [
    {
      name: "wrong password",
      make: () => ntlm({ auth: { scheme: "ntlm", user: USER, password: "wrong-password" } }),
      type: WinRmAuthError,
      kind: "auth",
      message: /401 from 127\.0\.0\.1:\d+ — NTLM credentials rejected for CLINIC\\svc-malachor/,
    },
    {
      name: "connection refused",
      make: () => ntlm({ port: 1 }),
      type: WinRmConnectError,
      kind: "connect",
      message: /connection refused by 127\.0\.0\.1:1 — is the WinRM listener enabled/,
    },
    {
      name: "unknown host name",
      make: () => ntlm({ host: "no-such-host.invalid" }),
      type: WinRmConnectError,
      kind: "dns",
      message: /host name "no-such-host\.invalid" does not resolve/,
    },
    {
      name: "HTTP 500 without a SOAP fault",
      make: () => ntlm(),
      setup: () => {
        server.faults.http500 = 5;
      },
      type: WinRmHttpError,
      kind: "http",
      message: /HTTP 500 from 127\.0\.0\.1:\d+/,
    },
    {
      name: "server too slow",
      make: () => ntlm({ operationTimeoutSec: 1, commandTimeoutMs: 800 }),
      setup: () => {
        server.faults.delayMs = 3000;
      },
      type: WinRmTimeoutError,
      kind: "timeout",
      message: /did not answer within|did not finish within/,
    },
    {
      name: "command runs past its deadline",
      make: () => ntlm({ operationTimeoutSec: 1, commandTimeoutMs: 1500 }),
      setup: () => {
        server.faults.commandDelayMs = 60_000;
      },
      type: WinRmTimeoutError,
      kind: "timeout",
      message: /did not finish within 1500 ms; it was terminated/,
    },
    {
      name: "self-signed certificate without a pin",
      make: () =>
        new WinRmClient({
          host: "127.0.0.1",
          port: httpsServer.port,
          auth: { scheme: "basic", user: USER, password: PASSWORD },
        }),
      type: WinRmTlsError,
      kind: "tls",
      message: /TLS certificate of 127\.0\.0\.1:\d+ is not trusted .*pin its SHA-256 fingerprint/,
    },
    {
      name: "HTTPS asked of the plain-HTTP listener",
      make: () =>
        new WinRmClient({
          host: "127.0.0.1",
          port: server.port,
          https: true,
          auth: { scheme: "basic", user: USER, password: PASSWORD },
        }),
      type: WinRmPlainHttpError,
      kind: "plain-http",
      message: /127\.0\.0\.1:\d+ speaks plain HTTP, not HTTPS — for this port use transport = "http-ntlm"/,
    },
    {
      name: "certificate does not match the pin",
      make: () =>
        new WinRmClient({
          host: "127.0.0.1",
          port: httpsServer.port,
          auth: { scheme: "basic", user: USER, password: PASSWORD, pinSha256: "ab".repeat(32) },
        }),
      type: WinRmTlsError,
      kind: "tls",
      message: new RegExp(`has SHA-256 ${fingerprint}, not the pinned abab`),
    },
    {
      name: "Basic with the wrong password over HTTPS",
      make: () =>
        new WinRmClient({
          host: "127.0.0.1",
          port: httpsServer.port,
          auth: { scheme: "basic", user: USER, password: "nope", pinSha256: fingerprint },
        }),
      type: WinRmAuthError,
      kind: "auth",
      message: /Basic credentials rejected for CLINIC\\svc-malachor/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      c.setup?.();
      const client = c.make();
      const err = await client.run("hostname").then(
        () => undefined,
        (e: unknown) => e,
      );
      await client.close().catch(() => {});
      expect(err).toBeInstanceOf(c.type);
      expect((err as WinRmError).kind).toBe(c.kind);
      expect((err as Error).message).toMatch(c.message);
      expect(String((err as Error).message)).not.toContain(PASSWORD);
    });
  }

  test("Basic over HTTPS with the right pin works", async () => {
    const c = new WinRmClient({
      host: "127.0.0.1",
      port: httpsServer.port,
      auth: {
        scheme: "basic",
        user: USER,
        password: PASSWORD,
        pinSha256: fingerprint.replace(/(..)/g, "$1:").slice(0, -1).toUpperCase(),
      },
    });
    expect((await c.run("hostname")).stdout).toBe("CLINIC-FS01\r\n");
    await c.close();
  });

  test("Basic over plain HTTP is refused before any request", () => {
    expect(
      () =>
        new WinRmClient({
          host: "127.0.0.1",
          https: false,
          auth: { scheme: "basic", user: USER, password: PASSWORD },
        }),
    ).toThrow(/only allowed over HTTPS/);
  });

  test("credentials never appear in logs, errors or the client object", async () => {
    const c = ntlm();
    await c.run("hostname");
    await c.close();
    const inspected = Bun.inspect(c) + JSON.stringify(c) + Bun.inspect(c.transport);
    expect(inspected).not.toContain(PASSWORD);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join("\n")).not.toContain(PASSWORD);
  });
});
