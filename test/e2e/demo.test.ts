import { expect, test } from "bun:test";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");

// `npm run demo` unattended: the script starts everything from scratch (cloud, WinRM test server,
// compiled agent), waits for a score, drifts the firewall, and checks the L1 fix's receipt in the
// portal and with `malachor evidence verify`; then removes the workstation's screen lock (fixed by
// L1) and writes a brute-force burst there (an L3 incident); exit 0 only if all of that happened.
test("the demo scenario runs unattended and passes (demo --once)", async () => {
  const proc = Bun.spawn(
    [process.execPath, join(root, "test", "demo", "demo.ts"), "--once", "--interval", "10"],
    {
      cwd: root,
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) console.error(`${out}\n${err}`);
  expect(code).toBe(0);
  expect(out).toMatch(/dashboard shows a compliance score of [\d.]+%/);
  expect(out).toMatch(/fixed windows\.firewall on CLINIC-FS01 \(127\.0\.0\.1\) by L1 rule/);
  expect(out).toMatch(/detect → verified fix: [\d.]+ s/);
  expect(out).toContain("portal export verified by malachor evidence verify: OK");
  expect(out).toMatch(/fixed windows\.screen-lock on FRONTDESK-01 \(127\.0\.0\.2\) by L1 rule l1-windows-screen-lock/);
  expect(out).toMatch(/raised to a person: L3 incident \S+ for windows\.threat-brute-force on FRONTDESK-01 \(127\.0\.0\.2\)/);
  expect(out).toContain("DEMO OK");
  expect(out).toContain("temporary data removed");
}, 180_000);
