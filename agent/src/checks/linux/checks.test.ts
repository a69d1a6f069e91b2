import { describe, expect, test } from "bun:test";
import type { CheckSettings } from "../check.ts";
import { type FixtureCase, FixtureHost } from "../fixture-host.ts";
import { auditLogging } from "./audit-logging.ts";
import { autoUpdates } from "./auto-updates.ts";
import { diskEncryption } from "./disk-encryption.ts";
import { diskSpace } from "./disk-space.ts";
import { firewall } from "./firewall.ts";
import { listeningPorts } from "./listening-ports.ts";
import { nixosGeneration } from "./nixos-generation.ts";
import { services } from "./services.ts";
import { sshHardening } from "./ssh-hardening.ts";
import { uid0Accounts } from "./uid0-accounts.ts";

const base: CheckSettings = {
  ntpServers: [],
  ntpMaxOffsetMs: 500,
  allowedPorts: [22, 8710],
  expectedServices: ["sshd.service", "systemd-journald.service"],
  diskMaxPercent: 90,
};

const DF_HEADER = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n";
const nftRuleset = (policy: string, ports: unknown) =>
  JSON.stringify({
    nftables: [
      { metainfo: { version: "1.0.6" } },
      { table: { family: "inet", name: "filter" } },
      {
        chain: {
          family: "inet",
          table: "filter",
          name: "input",
          type: "filter",
          hook: "input",
          prio: 0,
          policy,
        },
      },
      {
        rule: {
          family: "inet",
          table: "filter",
          chain: "input",
          expr: [
            { match: { op: "==", left: { ct: { key: "state" } }, right: ["established", "related"] } },
            { accept: null },
          ],
        },
      },
      {
        rule: {
          family: "inet",
          table: "filter",
          chain: "input",
          expr: [
            { match: { op: "==", left: { payload: { protocol: "tcp", field: "dport" } }, right: ports } },
            { accept: null },
          ],
        },
      },
    ],
  });
// What NixOS's iptables firewall looks like: INPUT accepts but jumps to nixos-fw, which ends in a refuse chain.
const nixosIptables = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:nixos-fw - [0:0]
:nixos-fw-accept - [0:0]
:nixos-fw-log-refuse - [0:0]
:nixos-fw-refuse - [0:0]
-A INPUT -j nixos-fw
-A nixos-fw -i lo -j nixos-fw-accept
-A nixos-fw -m conntrack --ctstate RELATED,ESTABLISHED -j nixos-fw-accept
-A nixos-fw -p tcp -m tcp --dport 22 -j nixos-fw-accept
-A nixos-fw -p tcp -m tcp --dport 3389 -j nixos-fw-accept
-A nixos-fw -j nixos-fw-log-refuse
-A nixos-fw-accept -j ACCEPT
-A nixos-fw-log-refuse -j nixos-fw-refuse
-A nixos-fw-refuse -j DROP
COMMIT
`;
const lsblk = (rootChildren: unknown[]) =>
  JSON.stringify({
    blockdevices: [
      {
        name: "sda",
        type: "disk",
        fstype: null,
        mountpoint: null,
        children: [{ name: "sda1", type: "part", fstype: "vfat", mountpoint: "/boot" }, ...rootChildren],
      },
    ],
  });

const cases: FixtureCase[] = [
  // linux.nixos-generation
  [
    "nixos: expected generation running",
    nixosGeneration,
    {
      links: {
        "/nix/var/nix/profiles/system": "system-42-link",
        "/nix/var/nix/profiles/system-42-link": "/nix/store/abc-nixos-system",
        "/run/current-system": "/nix/store/abc-nixos-system",
      },
    },
    "pass",
    /generation 42/,
    { nixosExpectedGeneration: 42 },
  ],
  [
    "nixos: other generation",
    nixosGeneration,
    { links: { "/nix/var/nix/profiles/system": "system-41-link" } },
    "fail",
    /generation 41/,
    { nixosExpectedGeneration: 42 },
  ],
  [
    "nixos: switch pending",
    nixosGeneration,
    {
      links: {
        "/nix/var/nix/profiles/system": "system-43-link",
        "/nix/var/nix/profiles/system-43-link": "/nix/store/new",
        "/run/current-system": "/nix/store/old",
      },
    },
    "warn",
    /not running/,
  ],
  ["nixos: not NixOS", nixosGeneration, {}, "warn", /not a NixOS system/],
  // linux.services
  [
    "services: all active",
    services,
    {
      commands: {
        "systemctl is-active sshd.service systemd-journald.service": "active\nactive\n",
        "systemctl list-units --state=failed --plain --no-legend --no-pager": "",
      },
    },
    "pass",
    /all active/,
  ],
  [
    "services: one down",
    services,
    {
      commands: {
        "systemctl is-active sshd.service systemd-journald.service": {
          code: 3,
          stdout: "inactive\nactive\n",
        },
        "systemctl list-units --state=failed --plain --no-legend --no-pager": "",
      },
    },
    "fail",
    /sshd\.service \(inactive\)/,
  ],
  [
    "services: a failed unit elsewhere",
    services,
    {
      commands: {
        "systemctl is-active sshd.service systemd-journald.service": "active\nactive\n",
        "systemctl list-units --state=failed --plain --no-legend --no-pager":
          "backup.service loaded failed failed Nightly backup\n",
      },
    },
    "warn",
    /backup\.service/,
  ],
  [
    "services: no systemd",
    services,
    {
      commands: {
        "systemctl is-active sshd.service systemd-journald.service": {
          code: 1,
          stderr: "System has not been booted with systemd",
        },
      },
    },
    "error",
    /did not answer/,
  ],
  // linux.disk-space
  [
    "disk: roomy",
    diskSpace,
    {
      commands: {
        "df -P -x tmpfs -x devtmpfs -x squashfs -x overlay -x efivarfs -x ramfs": `${DF_HEADER}/dev/sda2 1000 400 600 40% /\n/dev/sda1 100 20 80 20% /boot\n`,
      },
    },
    "pass",
    /fullest: \/ 40 %/,
  ],
  [
    "disk: nearly full",
    diskSpace,
    {
      commands: {
        "df -P -x tmpfs -x devtmpfs -x squashfs -x overlay -x efivarfs -x ramfs": `${DF_HEADER}/dev/sda2 1000 870 130 87% /\n`,
      },
    },
    "warn",
    /87 %/,
  ],
  [
    "disk: full data mount with a space",
    diskSpace,
    {
      commands: {
        "df -P -x tmpfs -x devtmpfs -x squashfs -x overlay -x efivarfs -x ramfs": `${DF_HEADER}/dev/sda2 1000 400 600 40% /\n/dev/sdb1 1000 950 50 95% /srv/my data\n`,
      },
    },
    "fail",
    /\/srv\/my data 95 %/,
  ],
  // linux.firewall
  [
    "firewall: nft default drop, allowed ports",
    firewall,
    { commands: { "nft -j list ruleset": nftRuleset("drop", 22) } },
    "pass",
    /default deny \(nft\); open: 22/,
  ],
  [
    "firewall: nft opens an unexpected port",
    firewall,
    { commands: { "nft -j list ruleset": nftRuleset("drop", { set: [22, 3389] }) } },
    "warn",
    /3389/,
  ],
  [
    "firewall: nft accepts by default",
    firewall,
    { commands: { "nft -j list ruleset": nftRuleset("accept", 22) } },
    "fail",
    /accepts by default/,
  ],
  [
    "firewall: nft empty ruleset",
    firewall,
    { commands: { "nft -j list ruleset": '{"nftables":[{"metainfo":{}}]}' } },
    "fail",
    /inactive/,
  ],
  [
    "firewall: NixOS iptables chains",
    firewall,
    { commands: { "nft -j list ruleset": { code: 127 }, "iptables-save": nixosIptables } },
    "warn",
    /unexpected ports 3389/,
  ],
  [
    "firewall: iptables all accept",
    firewall,
    { commands: { "iptables-save": "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n" } },
    "fail",
    /accepts by default/,
  ],
  [
    "firewall: not root",
    firewall,
    {
      commands: {
        "nft -j list ruleset": { code: 1, stderr: "Operation not permitted" },
        "iptables-save": { code: 1, stderr: "Permission denied (you must be root)" },
      },
    },
    "error",
    /run as root/,
  ],
  ["firewall: no tooling", firewall, {}, "fail", /no firewall tooling/],
  // linux.ssh-hardening
  [
    "ssh: sshd -T hardened",
    sshHardening,
    {
      commands: {
        "sshd -T":
          "port 22\npermitrootlogin no\npasswordauthentication no\nkbdinteractiveauthentication no\npermitemptypasswords no\n",
      },
    },
    "pass",
    /PermitRootLogin no/,
  ],
  [
    "ssh: sshd -T passwords on",
    sshHardening,
    {
      commands: {
        "sshd -T":
          "permitrootlogin no\npasswordauthentication yes\nkbdinteractiveauthentication no\npermitemptypasswords no\n",
      },
    },
    "fail",
    /PasswordAuthentication yes/,
  ],
  [
    "ssh: key-only root",
    sshHardening,
    {
      commands: {
        "sshd -T":
          "permitrootlogin without-password\npasswordauthentication no\nkbdinteractiveauthentication no\npermitemptypasswords no\n",
      },
    },
    "warn",
    /without-password/,
  ],
  [
    "ssh: file with include, first value wins, Match ignored",
    sshHardening,
    {
      files: {
        "/etc/ssh/sshd_config":
          "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\nPermitRootLogin yes\nMatch User bob\n  PasswordAuthentication yes\n",
        "/etc/ssh/sshd_config.d/10-malachor.conf":
          "PermitRootLogin no\nPasswordAuthentication no\nChallengeResponseAuthentication no\n",
      },
      dirs: { "/etc/ssh/sshd_config.d": ["10-malachor.conf", "README"] },
    },
    "pass",
    /PermitRootLogin no; PasswordAuthentication no/,
  ],
  [
    "ssh: file with OpenSSH defaults",
    sshHardening,
    { files: { "/etc/ssh/sshd_config": "# nothing\n" } },
    "fail",
    /PasswordAuthentication yes/,
  ],
  ["ssh: not installed", sshHardening, {}, "pass", /no SSH server/],
  // linux.auto-updates
  [
    "updates: NixOS autoUpgrade on",
    autoUpdates,
    { files: { "/etc/NIXOS": "" }, commands: { "systemctl is-enabled nixos-upgrade.timer": "enabled\n" } },
    "pass",
    /autoUpgrade/,
  ],
  [
    "updates: NixOS autoUpgrade off",
    autoUpdates,
    {
      files: { "/etc/NIXOS": "" },
      commands: {
        "systemctl is-enabled nixos-upgrade.timer": {
          code: 1,
          stderr: "Failed to get unit file state for nixos-upgrade.timer: No such file or directory",
        },
      },
    },
    "fail",
    /No such file/,
  ],
  [
    "updates: Debian unattended-upgrades",
    autoUpdates,
    {
      dirs: { "/etc/apt/apt.conf.d": ["20auto-upgrades"] },
      files: {
        "/etc/apt/apt.conf.d/20auto-upgrades":
          'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
        "/usr/bin/unattended-upgrade": "#!/usr/bin/python3",
      },
    },
    "pass",
    /unattended-upgrades enabled/,
  ],
  [
    "updates: Debian without",
    autoUpdates,
    { dirs: { "/etc/apt/apt.conf.d": ["70debconf"] }, files: { "/etc/apt/apt.conf.d/70debconf": "" } },
    "fail",
    /not installed/,
  ],
  [
    "updates: dnf-automatic",
    autoUpdates,
    { commands: { "systemctl is-enabled dnf-automatic-install.timer": "enabled\n" } },
    "pass",
    /dnf-automatic-install/,
  ],
  // linux.audit-logging
  [
    "audit: persistent journal and auditd",
    auditLogging,
    {
      files: { "/etc/systemd/journald.conf": "[Journal]\nStorage=persistent\n" },
      commands: { "systemctl is-active auditd.service": "active\n" },
    },
    "pass",
    /Storage=persistent/,
  ],
  [
    "audit: auto with directory, no auditd",
    auditLogging,
    {
      dirs: { "/var/log/journal": ["abc"] },
      commands: { "systemctl is-active auditd.service": { code: 3, stdout: "inactive\n" } },
    },
    "warn",
    /auditd inactive/,
  ],
  [
    "audit: drop-in makes it volatile",
    auditLogging,
    {
      files: {
        "/etc/systemd/journald.conf": "[Journal]\nStorage=persistent\n",
        "/etc/systemd/journald.conf.d/50-ram.conf": "[Journal]\nStorage=volatile\n",
      },
      dirs: { "/etc/systemd/journald.conf.d": ["50-ram.conf"], "/var/log/journal": [] },
    },
    "fail",
    /Storage=volatile/,
  ],
  // linux.disk-encryption
  [
    "luks: root on crypt (LVM)",
    diskEncryption,
    {
      commands: {
        "lsblk -J -o NAME,TYPE,FSTYPE,MOUNTPOINT": lsblk([
          {
            name: "sda2",
            type: "part",
            fstype: "crypto_LUKS",
            children: [
              {
                name: "cryptroot",
                type: "crypt",
                fstype: "LVM2_member",
                children: [{ name: "vg-root", type: "lvm", fstype: "ext4", mountpoint: "/" }],
              },
            ],
          },
        ]),
      },
    },
    "pass",
    /encrypted: \//,
  ],
  [
    "luks: plain root",
    diskEncryption,
    {
      commands: {
        "lsblk -J -o NAME,TYPE,FSTYPE,MOUNTPOINT": lsblk([
          { name: "sda2", type: "part", fstype: "ext4", mountpoint: "/" },
        ]),
      },
    },
    "fail",
    /not encrypted: \/ \(sda2\)/,
  ],
  [
    "luks: container root",
    diskEncryption,
    {
      commands: {
        "lsblk -J -o NAME,TYPE,FSTYPE,MOUNTPOINT":
          '{"blockdevices":[{"name":"vda","type":"disk","fstype":null,"mountpoints":[null]}]}',
      },
    },
    "warn",
    /cannot be verified/,
  ],
  // linux.uid0-accounts
  [
    "uid0: only root",
    uid0Accounts,
    { files: { "/etc/passwd": "root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\n" } },
    "pass",
    /only root/,
  ],
  [
    "uid0: toor",
    uid0Accounts,
    { files: { "/etc/passwd": "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n" } },
    "fail",
    /toor/,
  ],
  // linux.listening-ports
  [
    "ports: loopback and allowed only",
    listeningPorts,
    {
      commands: {
        "ss -H -tuln":
          "tcp LISTEN 0 128 127.0.0.1:5432 0.0.0.0:*\ntcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\ntcp LISTEN 0 128 [::]:22 [::]:*\nudp UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:*\ntcp LISTEN 0 511 [::1]:6379 [::]:*\n",
      },
    },
    "pass",
    /exposed: tcp 0\.0\.0\.0:22, tcp \[::\]:22/,
  ],
  [
    "ports: an unexpected listener",
    listeningPorts,
    {
      commands: {
        "ss -H -tuln": "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\ntcp LISTEN 0 128 10.0.0.2:3306 0.0.0.0:*\n",
      },
    },
    "fail",
    /unexpected: tcp 10\.0\.0\.2:3306/,
  ],
];

describe("linux checks against fixture output", () => {
  test.each(cases)("%s", async (_name, detect, fixture, status, actual, settings) => {
    const r = await detect({
      host: new FixtureHost(fixture),
      settings: { ...base, ...settings },
      timeoutMs: 1_000,
    });
    expect(r.actual ?? "").toMatch(actual);
    expect(r.status).toBe(status);
    expect(typeof r.details).toBe("object");
  });
});
