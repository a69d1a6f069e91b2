import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  runMalachorAsync as runMalachor,
  serverWithPasswordFile,
} from "../../../test/winrm-server/cli-fixture.ts";

let fx: Awaited<ReturnType<typeof serverWithPasswordFile>>;
beforeAll(async () => {
  fx = await serverWithPasswordFile("CLINIC\\svc-malachor", "cli-winrm-pw-1");
});
afterAll(() => fx.close());

const args = (file: string) => [
  "winrm",
  "test",
  "127.0.0.1",
  "--port",
  String(fx.server.port),
  "--user",
  "CLINIC\\svc-malachor",
  "--password-file",
  file,
];

describe("malachor winrm test (compiled binary)", () => {
  test("passes every step against a reachable host", async () => {
    const r = await runMalachor(args(fx.passwordFile));
    expect(r.stdout).toContain("PASS  connect, authenticate, open shell, run cmd");
    expect(r.stdout).toContain("PASS  run PowerShell");
    expect(r.stdout).toContain("running as CLINIC-FS01 CLINIC\\svc-malachor");
    expect(r.code).toBe(0);
  });

  test("a wrong password fails with the next step to take, never the password", async () => {
    const bad = join(fx.dir, "bad");
    await Bun.write(bad, "nope-wrong\n");
    const { chmodSync } = await import("node:fs");
    chmodSync(bad, 0o600);
    const r = await runMalachor([...args(bad), "--json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.steps[0]).toMatchObject({ ok: false, kind: "auth" });
    expect(out.steps[0].next).toContain("Remote Management Users");
    expect(r.stdout + r.stderr).not.toContain("nope-wrong");
  });

  test("a closed port is a connect failure", async () => {
    const r = await runMalachor([
      "winrm",
      "test",
      "127.0.0.1",
      "--port",
      "1",
      "--user",
      "u",
      "--password-file",
      fx.passwordFile,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("connection refused by 127.0.0.1:1");
  });

  test("a host that is neither configured nor given with --user is an environment error", async () => {
    const r = await runMalachor(["winrm", "test", "somehost", "--config", join(fx.dir, "missing.toml")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("missing.toml");
  });
});
