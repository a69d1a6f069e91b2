/**
 * Faithfulness check: Debian's pywinrm (an independent WS-Man + NTLM implementation) runs
 * commands against the test server with NTLM message encryption and gets the expected output.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requirement } from "../support/requirement.ts";
import { hasPywinrm, OPENSSL_LEGACY_CONF, PYTHON } from "./pywinrm.ts";
import { startWinRmServer, type WinRmServer } from "./server.ts";

const available = requirement(
  "pywinrm (/usr/bin/python3 with winrm and requests_ntlm)",
  hasPywinrm(),
  "apt-get install python3-winrm python3-requests-ntlm (npm test's pretest does this as root)",
);

const SCRIPT = `
import json, sys, winrm
url, user, password = sys.argv[1:4]
s = winrm.Session(url, auth=(user, password), transport="ntlm", message_encryption="always")
out = {}
r = s.run_cmd("hostname")
out["cmd"] = [r.status_code, r.std_out.decode(), r.std_err.decode()]
r = s.run_ps("$v = Get-BitLockerVolume -MountPoint C:; \\"$($v.MountPoint) $($v.ProtectionStatus)\\"")
out["ps"] = [r.status_code, r.std_out.decode(), r.std_err.decode()]
r = s.run_ps("exit 3")
out["exit"] = r.status_code
try:
    winrm.Session(url, auth=(user, "wrong"), transport="ntlm", message_encryption="always").run_cmd("hostname")
    out["wrong"] = "accepted"
except Exception as e:
    out["wrong"] = type(e).__name__
print(json.dumps(out))
`;

describe.skipIf(!available)("pywinrm interop", () => {
  let server: WinRmServer;
  let dir: string;
  beforeAll(async () => {
    server = await startWinRmServer({ user: "CLINIC\\svc-malachor", password: "Py-interop-1" });
    dir = mkdtempSync(join(tmpdir(), "malachor-pywinrm-"));
    writeFileSync(join(dir, "openssl.cnf"), OPENSSL_LEGACY_CONF);
    writeFileSync(join(dir, "client.py"), SCRIPT);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("runs cmd and PowerShell over NTLM with message encryption", async () => {
    const proc = Bun.spawn(
      [PYTHON, join(dir, "client.py"), server.url, "CLINIC\\svc-malachor", "Py-interop-1"],
      {
        env: { ...process.env, OPENSSL_CONF: join(dir, "openssl.cnf") },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(stdout)).toEqual({
      cmd: [0, "CLINIC-FS01\r\n", ""],
      ps: [0, "C: Off\r\n", ""],
      exit: 3,
      wrong: "InvalidCredentialsError",
    });
    expect(server.authFailures).toContain("NTLMv2 response does not match");
  });
});
