import type { LinuxCheck } from "../check.ts";
import { auditLogging } from "./audit-logging.ts";
import { autoUpdates } from "./auto-updates.ts";
import { backupStatus } from "./backup-status.ts";
import { cronEntries } from "./cron-entries.ts";
import { diskEncryption } from "./disk-encryption.ts";
import { diskSpace } from "./disk-space.ts";
import { emptyPasswords } from "./empty-passwords.ts";
import { failedUnits } from "./failed-units.ts";
import { filePermissions } from "./file-permissions.ts";
import { firewall } from "./firewall.ts";
import { inactiveAccounts } from "./inactive-accounts.ts";
import { kernelParams } from "./kernel-params.ts";
import { listeningPorts } from "./listening-ports.ts";
import { logForwarding } from "./log-forwarding.ts";
import { nixosGeneration } from "./nixos-generation.ts";
import { services } from "./services.ts";
import { sshHardening } from "./ssh-hardening.ts";
import { suidFiles } from "./suid-files.ts";
import { timeSync } from "./time-sync.ts";
import { tlsCertificates } from "./tls-certificates.ts";
import { uid0Accounts } from "./uid0-accounts.ts";

/** Every drift check of the appliance's own host, in report order. */
export const LINUX_CHECKS: readonly LinuxCheck[] = [
  {
    id: "linux.nixos-generation",
    title: "NixOS runs the expected system generation",
    citations: ["§164.308(a)(1)(ii)(B)", "§164.312(c)(1)"],
    severity: "medium",
    detect: nixosGeneration,
  },
  {
    id: "linux.time-sync",
    title: "Clock synchronized with agreeing NTP servers",
    citations: ["§164.312(b)"],
    severity: "medium",
    runbookId: "linux.time-sync",
    detect: timeSync,
  },
  {
    id: "linux.services",
    title: "Required services are running",
    citations: ["§164.308(a)(7)(ii)(C)", "§164.312(b)"],
    severity: "high",
    runbookId: "linux.services",
    detect: services,
  },
  {
    id: "linux.disk-space",
    title: "Disks have free space",
    citations: ["§164.312(b)", "§164.308(a)(7)(ii)(A)"],
    severity: "high",
    detect: diskSpace,
  },
  {
    id: "linux.firewall",
    title: "Host firewall denies inbound traffic by default",
    citations: ["§164.312(e)(1)", "§164.312(a)(1)"],
    severity: "high",
    detect: firewall,
  },
  {
    id: "linux.ssh-hardening",
    title: "SSH refuses root and password logins",
    citations: ["§164.312(a)(1)", "§164.312(a)(2)(i)", "§164.312(d)"],
    severity: "high",
    runbookId: "linux.ssh-hardening",
    detect: sshHardening,
  },
  {
    id: "linux.auto-updates",
    title: "Automatic security updates are enabled",
    citations: ["§164.308(a)(5)(ii)(B)", "§164.308(a)(1)(ii)(B)"],
    severity: "medium",
    detect: autoUpdates,
  },
  {
    id: "linux.audit-logging",
    title: "Audit logging is persistent",
    citations: ["§164.312(b)", "§164.308(a)(1)(ii)(D)"],
    severity: "high",
    runbookId: "linux.audit-logging",
    detect: auditLogging,
  },
  {
    id: "linux.disk-encryption",
    title: "Disks are encrypted (LUKS)",
    citations: ["§164.312(a)(2)(iv)", "§164.310(d)(1)"],
    severity: "critical",
    detect: diskEncryption,
  },
  {
    id: "linux.uid0-accounts",
    title: "No unexpected UID 0 accounts",
    citations: ["§164.312(a)(1)", "§164.312(a)(2)(i)"],
    severity: "critical",
    detect: uid0Accounts,
  },
  {
    id: "linux.listening-ports",
    title: "Only allowed ports are open to the network",
    citations: ["§164.312(e)(1)", "§164.312(a)(1)"],
    severity: "high",
    detect: listeningPorts,
  },
  {
    id: "linux.empty-passwords",
    title: "No account has an empty password",
    citations: ["§164.312(d)", "§164.312(a)(1)"],
    severity: "critical",
    runbookId: "linux.empty-passwords",
    detect: emptyPasswords,
  },
  {
    id: "linux.inactive-accounts",
    title: "No unused interactive accounts",
    citations: ["§164.308(a)(3)(ii)(C)", "§164.308(a)(4)(ii)(C)"],
    severity: "medium",
    runbookId: "linux.inactive-accounts",
    detect: inactiveAccounts,
  },
  {
    id: "linux.file-permissions",
    title: "Sensitive system files have safe permissions",
    citations: ["§164.312(a)(1)", "§164.312(c)(1)"],
    severity: "high",
    runbookId: "linux.file-permissions",
    detect: filePermissions,
  },
  {
    id: "linux.suid-files",
    title: "No new set-uid or set-gid programs",
    citations: ["§164.312(a)(1)", "§164.308(a)(1)(ii)(D)"],
    severity: "high",
    runbookId: "linux.suid-files",
    detect: suidFiles,
  },
  {
    id: "linux.cron-entries",
    title: "No new scheduled cron jobs",
    citations: ["§164.308(a)(1)(ii)(D)", "§164.312(b)"],
    severity: "medium",
    detect: cronEntries,
  },
  {
    id: "linux.tls-certificates",
    title: "TLS certificates are valid for 30 more days",
    citations: ["§164.312(e)(1)", "§164.312(e)(2)(ii)"],
    severity: "high",
    runbookId: "linux.tls-certificates",
    detect: tlsCertificates,
  },
  {
    id: "linux.log-forwarding",
    title: "Logs are forwarded to a central collector",
    citations: ["§164.312(b)", "§164.308(a)(1)(ii)(D)"],
    severity: "medium",
    runbookId: "linux.log-forwarding",
    detect: logForwarding,
  },
  {
    id: "linux.backup-status",
    title: "Backups are scheduled and ran within 48 hours",
    citations: ["§164.308(a)(7)(ii)(A)", "§164.310(d)(2)(iv)"],
    severity: "high",
    detect: backupStatus,
  },
  {
    id: "linux.kernel-params",
    title: "Kernel hardening parameters are set",
    citations: ["§164.312(a)(1)", "§164.312(e)(1)"],
    severity: "medium",
    runbookId: "linux.kernel-params",
    detect: kernelParams,
  },
  {
    id: "linux.failed-units",
    title: "No failed systemd units",
    citations: ["§164.308(a)(1)(ii)(D)", "§164.312(b)"],
    severity: "medium",
    runbookId: "linux.failed-units",
    detect: failedUnits,
  },
];
