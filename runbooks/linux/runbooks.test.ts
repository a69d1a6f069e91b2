import { afterAll, describe, expect, test } from "bun:test";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
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

  test("linux.file-permissions: a world-readable shadow is tightened, rollback restores its mode", () => {
    const root = join(tmp, "perms");
    mkdirSync(join(root, "etc"), { recursive: true });
    writeFileSync(join(root, "etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    writeFileSync(join(root, "etc/shadow"), "root:!:19000::::::\n");
    chmodSync(join(root, "etc/passwd"), 0o644);
    chmodSync(join(root, "etc/shadow"), 0o666);
    expect(script("linux.file-permissions", "detect", root)).toMatchObject({ status: "fail" });
    const fixed = script("linux.file-permissions", "remediate", root) as { details: { before: unknown } };
    expect(fixed.details.before).toEqual({ "/etc/shadow": "666" });
    expect(statSync(join(root, "etc/shadow")).mode & 0o777).toBe(0o640);
    expect(script("linux.file-permissions", "detect", root)).toMatchObject({ status: "pass" });
    const prior = JSON.stringify(fixed.details.before);
    expect(script("linux.file-permissions", "rollback", root, { MALACHOR_PRIOR: prior })).toMatchObject({
      restored: true,
    });
    expect(statSync(join(root, "etc/shadow")).mode & 0o777).toBe(0o666);
  });

  test("linux.kernel-params: wrong values set and persisted, rollback puts them back", () => {
    const root = join(tmp, "sysctl");
    const f = (k: string) => join(root, "proc/sys", ...k.split("."));
    const hardened: Record<string, string> = {
      "kernel.randomize_va_space": "2",
      "kernel.dmesg_restrict": "1",
      "fs.protected_symlinks": "1",
      "fs.protected_hardlinks": "1",
      "net.ipv4.conf.all.accept_redirects": "1",
      "net.ipv4.conf.all.send_redirects": "0",
      "net.ipv4.conf.all.accept_source_route": "0",
      "net.ipv4.conf.all.rp_filter": "2",
      "net.ipv4.tcp_syncookies": "1",
    };
    for (const [k, val] of Object.entries(hardened)) {
      mkdirSync(join(f(k), ".."), { recursive: true });
      writeFileSync(f(k), `${val}\n`);
    }
    expect(script("linux.kernel-params", "detect", root)).toMatchObject({ status: "fail" });
    const fixed = script("linux.kernel-params", "remediate", root) as { details: { before: unknown } };
    expect(fixed.details.before).toEqual({ "net.ipv4.conf.all.accept_redirects": "1" });
    expect(readFileSync(join(root, "etc/sysctl.d/60-malachor-hardening.conf"), "utf8")).toContain(
      "net.ipv4.conf.all.accept_redirects = 0",
    );
    expect(script("linux.kernel-params", "detect", root)).toMatchObject({ status: "pass" });
    const prior = JSON.stringify(fixed.details.before);
    expect(script("linux.kernel-params", "rollback", root, { MALACHOR_PRIOR: prior })).toMatchObject({
      restored: true,
    });
    expect(readFileSync(f("net.ipv4.conf.all.accept_redirects"), "utf8").trim()).toBe("1");
  });

  test("linux.empty-passwords and linux.log-forwarding on a fake root, with rollback", () => {
    const root = join(tmp, "accounts");
    mkdirSync(join(root, "etc"), { recursive: true });
    const shadow = "root:$6$x:19000::::::\nkiosk::19000::::::\n";
    writeFileSync(join(root, "etc/shadow"), shadow);
    expect(script("linux.empty-passwords", "detect", root)).toMatchObject({ status: "fail" });
    const fixed = script("linux.empty-passwords", "remediate", root) as { details: { before: unknown } };
    expect(readFileSync(join(root, "etc/shadow"), "utf8")).toContain("kiosk:!:");
    expect(script("linux.empty-passwords", "detect", root)).toMatchObject({ status: "pass" });
    script("linux.empty-passwords", "rollback", root, {
      MALACHOR_PRIOR: JSON.stringify(fixed.details.before),
    });
    expect(readFileSync(join(root, "etc/shadow"), "utf8")).toBe(shadow);

    expect(script("linux.log-forwarding", "detect", root)).toMatchObject({ status: "fail" });
    script("linux.log-forwarding", "remediate", root, { MALACHOR_PARAM_COLLECTOR: "logs.clinic.lan" });
    expect(script("linux.log-forwarding", "detect", root)).toMatchObject({
      status: "pass",
      details: { via: "rsyslog" },
    });
    expect(script("linux.log-forwarding", "rollback", root)).toMatchObject({ restored: true });
    expect(script("linux.log-forwarding", "detect", root)).toMatchObject({ status: "fail" });
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
