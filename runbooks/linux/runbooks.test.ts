import { afterAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import * as v from "valibot";
import { LINUX_CHECKS } from "../../agent/src/checks/linux/index.ts";
import { isKnownCitation } from "../../protocol/hipaa.ts";
import { RunbookSpec } from "../../protocol/runbook.ts";
import { RUNBOOKS } from "../index.ts";

const here = import.meta.dir;
const ids = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const tmp = mkdtempSync(join(tmpdir(), "malachor-linux-runbooks-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Run a runbook script (as the catalogue holds it) against a fake root; returns the parsed last stdout line. */
function script(
  id: string,
  name: "detect" | "remediate" | "verify" | "rollback",
  root: string,
  env: Record<string, string> = {},
): Record<string, unknown> {
  const text = RUNBOOKS.find((r) => r.spec.id === id)?.scripts[name];
  if (text === undefined) throw new Error(`${id} has no ${name} script`);
  const r = Bun.spawnSync(["sh", "-c", text, "malachor-runbook"], {
    env: { PATH: "/usr/bin:/bin", ...(root ? { MALACHOR_ROOT: root } : {}), ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect({ name, code: r.exitCode, stderr: r.stderr.toString() }).toEqual({ name, code: 0, stderr: "" });
  return JSON.parse(r.stdout.toString().trim().split("\n").at(-1)!);
}

describe("runbooks/linux", () => {
  test.each(ids)("%s: runbook.toml is a valid RunbookSpec with its scripts", (id) => {
    const spec = v.parse(RunbookSpec, parseToml(readFileSync(join(here, id, "runbook.toml"), "utf8")));
    expect(spec.id).toBe(id);
    expect(spec.platform).toBe("linux");
    expect(LINUX_CHECKS.map((c) => c.id)).toContain(spec.checkId);
    for (const c of spec.citations) expect(isKnownCitation(c)).toBe(true);
    for (const s of ["detect", "remediate"]) expect(existsSync(join(here, id, `${s}.sh`))).toBe(true);
    expect(existsSync(join(here, id, "rollback.sh"))).toBe(spec.rollback);
  });

  test("linux.ssh-hardening: detect → remediate → verify → rollback on a fake root", () => {
    const root = join(tmp, "ssh");
    mkdirSync(join(root, "etc/ssh"), { recursive: true });
    const original = "PasswordAuthentication yes\nPermitRootLogin yes\n";
    writeFileSync(join(root, "etc/ssh/sshd_config"), original);
    expect(script("linux.ssh-hardening", "detect", root)).toMatchObject({ status: "fail" });
    expect(script("linux.ssh-hardening", "remediate", root)).toMatchObject({
      changed: true,
      details: { includeAdded: true },
    });
    expect(script("linux.ssh-hardening", "verify", root)).toMatchObject({
      status: "pass",
      details: { permitrootlogin: "no", passwordauthentication: "no", kbdinteractiveauthentication: "no" },
    });
    expect(script("linux.ssh-hardening", "rollback", root)).toMatchObject({ restored: true });
    expect(readFileSync(join(root, "etc/ssh/sshd_config"), "utf8")).toBe(original);
    expect(existsSync(join(root, "etc/ssh/sshd_config.d/10-malachor-hardening.conf"))).toBe(false);
    expect(script("linux.ssh-hardening", "detect", root)).toMatchObject({ status: "fail" });
  });

  test("linux.audit-logging: volatile journal made persistent, then rolled back", () => {
    const root = join(tmp, "journal");
    mkdirSync(join(root, "etc/systemd"), { recursive: true });
    writeFileSync(join(root, "etc/systemd/journald.conf"), "[Journal]\nStorage=volatile\n");
    expect(script("linux.audit-logging", "detect", root)).toMatchObject({
      status: "fail",
      details: { storage: "volatile" },
    });
    expect(script("linux.audit-logging", "remediate", root)).toMatchObject({ changed: true });
    expect(script("linux.audit-logging", "verify", root)).toMatchObject({
      status: "pass",
      details: { storage: "persistent", journalDirectory: true },
    });
    expect(script("linux.audit-logging", "rollback", root)).toMatchObject({ restored: true });
    expect(script("linux.audit-logging", "detect", root)).toMatchObject({
      status: "fail",
      details: { journalDirectory: false },
    });
  });

  // No systemd here: timedatectl and systemctl are stand-ins on PATH that keep their state in files.
  function stubs(name: string, state: Record<string, string>): { PATH: string; STUB_STATE: string } {
    const bin = join(tmp, name, "bin");
    const st = join(tmp, name, "stub-state");
    mkdirSync(bin, { recursive: true });
    mkdirSync(st, { recursive: true });
    for (const [k, v] of Object.entries(state)) writeFileSync(join(st, k), `${v}\n`);
    writeFileSync(
      join(bin, "timedatectl"),
      `#!/bin/sh
S="$STUB_STATE"
case "$1" in
  show) if [ "$*" = "show -p NTP --value" ]; then cat "$S/ntp"; else echo "NTP=$(cat "$S/ntp")"; echo "NTPSynchronized=$(cat "$S/synced")"; fi ;;
  set-ntp) if [ "$2" = true ]; then echo yes >"$S/ntp"; else echo no >"$S/ntp"; fi ;;
  *) exit 1 ;;
esac
`,
      { mode: 0o755 },
    );
    writeFileSync(
      join(bin, "systemctl"),
      `#!/bin/sh
S="$STUB_STATE"
case "$1" in
  is-active) cat "$S/$2"; [ "$(cat "$S/$2")" = active ] ;;
  restart) echo active >"$S/$2" ;;
  reset-failed) exit 0 ;;
  *) exit 1 ;;
esac
`,
      { mode: 0o755 },
    );
    return { PATH: `${bin}:/usr/bin:/bin`, STUB_STATE: st };
  }

  test("linux.time-sync: NTP off → set-ntp true → verify → rollback turns it off again", () => {
    const env = { ...stubs("ntp", { ntp: "no", synced: "no" }), MALACHOR_STATE_DIR: join(tmp, "ntp") };
    expect(script("linux.time-sync", "detect", "", env)).toMatchObject({
      status: "fail",
      details: { ntp: "no" },
    });
    expect(script("linux.time-sync", "remediate", "", env)).toMatchObject({
      changed: true,
      details: { ntpBefore: "no" },
    });
    expect(script("linux.time-sync", "verify", "", env)).toMatchObject({ status: "pass" });
    expect(script("linux.time-sync", "rollback", "", env)).toMatchObject({ restored: true });
    expect(script("linux.time-sync", "detect", "", env)).toMatchObject({ status: "fail" });
  });

  test("linux.services: a stopped unit is restarted and verified", () => {
    const env = { ...stubs("svc", { "sshd.service": "failed" }), MALACHOR_PARAM_SERVICE: "sshd.service" };
    expect(script("linux.services", "detect", "", env)).toMatchObject({
      status: "fail",
      details: { state: "failed" },
    });
    expect(script("linux.services", "remediate", "", env)).toMatchObject({ changed: true });
    expect(script("linux.services", "verify", "", env)).toMatchObject({
      status: "pass",
      details: { state: "active" },
    });
  });
});
