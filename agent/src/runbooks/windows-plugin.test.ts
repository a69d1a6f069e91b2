import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWinRmServer, type WinRmServer } from "../../../test/winrm-server/server.ts";
import { winrmCommand } from "../cli/winrm.ts";
import { loadConfig } from "../config/load.ts";
import { writeSecretFile } from "../config/secret.ts";
import type { AgentParts } from "../daemon/plugins.ts";
import type { CycleContext } from "../daemon/providers.ts";
import { writeTestConfig } from "../daemon/test-config.fixture.ts";
import { openStateDb } from "../queue/db.ts";
import { savePendingEscrow } from "./escrow-pending.ts";
import { windowsPlugin } from "./windows-plugin.ts";

const ctx = {
  siteConfig: {},
  disabled: new Set<string>(),
  timeoutMs: 5000,
  signal: new AbortController().signal,
} as unknown as CycleContext;
let server: WinRmServer;
let dir: string;
let configPath: string;
beforeAll(async () => {
  server = await startWinRmServer({ user: "CLINIC\\svc-malachor", password: "plugin-pw" });
  dir = mkdtempSync(join(tmpdir(), "malachor-windows-plugin-"));
  writeSecretFile(join(dir, "winrm-password"), "plugin-pw\n");
  configPath = writeTestConfig(dir, {
    extra: [
      "[[windows.hosts]]",
      'host = "127.0.0.1"',
      `port = ${server.port}`,
      'transport = "http-ntlm"',
      'username = "svc-malachor"',
      'domain = "CLINIC"',
      'password_file = "winrm-password"',
    ].join("\n"),
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("malachor run's Windows plug-in scans each [[windows.hosts]] entry", async () => {
  const config = loadConfig(configPath);
  const parts = await windowsPlugin()({ config, db: openStateDb(":memory:") } as AgentParts);
  expect(parts.providers).toHaveLength(2);
  const ctx = {
    siteConfig: {},
    disabled: new Set<string>(),
    timeoutMs: 5000,
    signal: new AbortController().signal,
  } as unknown as CycleContext;
  const findings = await parts.providers?.[0]?.collect(ctx);
  expect(findings?.length).toBeGreaterThanOrEqual(12);
  expect(new Set(findings?.map((f) => f.host))).toEqual(new Set(["127.0.0.1"]));
  expect(findings?.find((f) => f.checkId === "windows.guest-account")?.status).toBe("fail");
});

test("recovery keys left by the CLI are delivered to the cloud's escrow and removed", async () => {
  const got: unknown[] = [];
  const cloud = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) => {
      if (new URL(req.url).pathname !== "/agent/escrow" || req.headers.get("authorization") !== "Bearer k-1")
        return new Response("no", { status: 404 });
      got.push(await req.json());
      return new Response(null, { status: 204 });
    },
  });
  try {
    const d = mkdtempSync(join(dir, "escrow-"));
    const config = loadConfig(
      writeTestConfig(d, { cloudUrl: `http://127.0.0.1:${cloud.port}`, apiKey: "k-1" }),
    );
    const key = {
      host: "CLINIC-FS01",
      volume: "C:",
      protectorId: "{6A1B2C3D-4E5F-4A7B-8C9D-0E1F2A3B4C5D}",
      recoveryPassword: "111111-222222-333333-444444-555555-666666-777777-888888",
    };
    const [file] = savePendingEscrow(config.appliance.state_dir, [key]);
    expect((statSync(file as string).mode & 0o777).toString(8)).toBe("600");
    const logged: string[] = [];
    const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m) };
    const parts = await windowsPlugin()({
      config,
      log,
      db: openStateDb(":memory:"),
    } as unknown as AgentParts);
    expect(await parts.providers?.[0]?.collect(ctx)).toEqual([]);
    expect(got).toEqual([key]);
    expect(existsSync(file as string)).toBe(false);
    expect(logged).toEqual(["recovery keys delivered to cloud escrow"]);
  } finally {
    cloud.stop(true);
  }
});

test("malachor winrm test finds the host in the config", async () => {
  const out: string[] = [];
  const code = await winrmCommand.run(["test", "127.0.0.1", "--config", configPath], {
    out: (t) => out.push(t),
    err: (t) => out.push(t),
    interactive: false,
  });
  expect(out[0]).toBe(`winrm test 127.0.0.1:${server.port} (NTLM over HTTP, sealed) as CLINIC\\svc-malachor`);
  expect(code).toBe(0);
});
