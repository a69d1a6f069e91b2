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
  nixosGeneration,
  timeSync,
  services,
  diskSpace,
  firewall,
  sshHardening,
  autoUpdates,
  auditLogging,
  diskEncryption,
  uid0Accounts,
  listeningPorts,
  emptyPasswords,
  inactiveAccounts,
  filePermissions,
  suidFiles,
  cronEntries,
  tlsCertificates,
  logForwarding,
  backupStatus,
  kernelParams,
  failedUnits,
];
