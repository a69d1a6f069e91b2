/**
 * `malachor baseline show|accept` against the state database and the WinRM test server named in
 * the config (the daemon is not running: the CLI works on the state database itself).
 */

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWinRmServer, type WinRmServer } from "../../../test/winrm-server/server.ts";
import { compliantState } from "../../../test/winrm-server/state.ts";
import { loadConfig } from "../config/load.ts";
import { writeSecretFile } from "../config/secret.ts";
import { openState } from "../daemon/state.ts";
import { writeTestConfig } from "../daemon/test-config.fixture.ts";
import { main } from "../main.ts";
import { sqliteBaselines } from "../runbooks/baselines.ts";
import { configFromArgs } from "./config-arg.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-cli-baseline-"));
let server: WinRmServer;
let configPath: string;
beforeAll(async () => {
  server = await startWinRmServer({ user: "svc", password: "pw", state: compliantState("CLINIC-FS01") });
  writeSecretFile(join(dir, "winrm-password"), "pw\n");
  configPath = writeTestConfig(dir, {
    extra: [
      "[[windows.hosts]]",
      'host = "127.0.0.1"',
      `port = ${server.port}`,
      'transport = "http-ntlm"',
      'username = "svc"',
      'password_file = "winrm-password"',
    ].join("\n"),
  });
  // A baseline as the daemon's first scan recorded it.
  const state = openState(configFromArgs(configPath, loadConfig));
  sqliteBaselines(state.db).set("127.0.0.1", "windows.persistence-run-keys", ["HKLM Run: OneDrive"]);
  state.db.close();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** `malachor baseline accept 127.0.0.1 …` with the test config. */
const accept = (...args: string[]) => run("baseline", "accept", "127.0.0.1", ...args, "--config", configPath);

test("show lists the recorded baselines; accept --item adds to one", async () => {
  const shown = await run("baseline", "show", "--config", configPath);
  expect(shown.code).toBe(0);
  expect(shown.out).toMatch(/127\.0\.0\.1\s+windows\.persistence-run-keys\s+1/);

  const r = await accept("windows.persistence-run-keys", "--item", "HKLM Run: ClinicScanner");
  expect(r.code).toBe(0);
  expect(r.out).toContain("baseline of windows.persistence-run-keys on 127.0.0.1: 2 items");
  expect(r.out).toContain("accepted: HKLM Run: ClinicScanner");
  const json = JSON.parse((await run("baseline", "show", "127.0.0.1", "--json", "--config", configPath)).out);
  expect(json.baselines[0].items).toEqual(["HKLM Run: OneDrive", "HKLM Run: ClinicScanner"]);
});

test("accept without items takes what the host has now, over WinRM", async () => {
  const r = await accept("windows.persistence-services", "--json");
  expect(r.code).toBe(0);
  const done = JSON.parse(r.out) as { accepted: string[]; size: number };
  expect(done.size).toBeGreaterThan(0);
  expect(done.accepted).toHaveLength(done.size);
});

test("a check without a baseline is a usage error", async () => {
  const r = await accept("windows.firewall", "--item", "x");
  expect(r.code).toBe(2);
  expect(r.err).toContain("windows.firewall is not a baseline check");
});
