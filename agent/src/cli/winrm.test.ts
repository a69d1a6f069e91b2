import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  runMalachorAsync as runMalachor,
  serverWithPasswordFile,
} from "../../../test/winrm-server/cli-fixture.ts";
import { startWinRmServer } from "../../../test/winrm-server/server.ts";
import { outputSummary, winrmCommand } from "./winrm.ts";

test.each([
  ["CLINIC-FS01\r\n", "CLINIC-FS01"],
  ["", "(no output)"],
  ["\r\n  \r\n", "(no output)"],
  ["Welcome to CLINIC\r\nAuthorized use only\r\nCLINIC-FS01\r\n", "Welcome to CLINIC (+2 more lines)"],
  ["x".repeat(200), `${"x".repeat(79)}…`],
])("a PASS line summarises command output %#", (text, summary) => {
  expect(outputSummary(text)).toBe(summary);
});

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

describe("malachor winrm test over HTTPS", () => {
  test("HTTPS against a plain-HTTP port says so, with no fingerprint to compare", async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), interactive: false };
    const code = await winrmCommand.run(
      [
        "test",
        "127.0.0.1",
        "--https",
        "--port",
        String(fx.server.port),
        "--user",
        "CLINIC\\svc-malachor",
        "--password-file",
        fx.passwordFile,
      ],
      io,
    );
    expect(code).toBe(1);
    const text = out.join("\n");
    expect(text).toContain(`FAIL  connect, authenticate, open shell, run cmd`);
    expect(text).toContain(`127.0.0.1:${fx.server.port} speaks plain HTTP, not HTTPS`);
    expect(text).toContain('next: this port is an HTTP listener: set transport = "http-ntlm"');
    expect(text).not.toContain("not trusted");
    expect(text).not.toContain("fingerprint");
  });

  test("an unpinned self-signed certificate fails with its fingerprint to pin; pinning it passes", async () => {
    const fixtures = join(import.meta.dir, "../../../test/winrm-server/fixtures");
    const tls = {
      key: readFileSync(join(fixtures, "tls-key.pem"), "utf8"),
      cert: readFileSync(join(fixtures, "tls-cert.pem"), "utf8"),
    };
    const https = await startWinRmServer({ user: "CLINIC\\svc-malachor", password: "cli-winrm-pw-1", tls });
    try {
      const out: string[] = [];
      const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), interactive: false };
      const base = [
        "test",
        "127.0.0.1",
        "--https",
        "--port",
        String(https.port),
        "--user",
        "CLINIC\\svc-malachor",
        "--password-file",
        fx.passwordFile,
      ];
      expect(await winrmCommand.run(base, io)).toBe(1);
      const text = out.join("\n");
      expect(text).toContain("is not trusted");
      const fp = /certificate SHA-256: ([0-9a-f]{64})/.exec(text)?.[1];
      expect(fp).toBeDefined();
      out.length = 0;
      expect(await winrmCommand.run([...base, "--pin", fp as string], io)).toBe(0);
      expect(out.join("\n")).toContain("Basic over HTTPS, pinned");
    } finally {
      await https.close();
    }
  });
});
