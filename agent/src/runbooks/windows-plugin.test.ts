import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWinRmServer, type WinRmServer } from "../../../test/winrm-server/server.ts";
import { winrmCommand } from "../cli/winrm.ts";
import { loadConfig } from "../config/load.ts";
import { writeSecretFile } from "../config/secret.ts";
import type { AgentParts } from "../daemon/plugins.ts";
import type { CycleContext } from "../daemon/providers.ts";
import { writeTestConfig } from "../daemon/test-config.fixture.ts";
import { windowsPlugin } from "./windows-plugin.ts";

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
  const parts = await windowsPlugin()({ config } as AgentParts);
  expect(parts.providers).toHaveLength(1);
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

test("no Windows hosts, no provider", async () => {
  const config = loadConfig(writeTestConfig(mkdtempSync(join(dir, "empty-"))));
  expect(await windowsPlugin()({ config } as AgentParts)).toEqual({});
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
