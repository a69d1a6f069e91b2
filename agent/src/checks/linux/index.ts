import type { LinuxCheck } from "../check.ts";
import { auditLogging } from "./audit-logging.ts";
import { autoUpdates } from "./auto-updates.ts";
import { diskEncryption } from "./disk-encryption.ts";
import { diskSpace } from "./disk-space.ts";
import { firewall } from "./firewall.ts";
import { listeningPorts } from "./listening-ports.ts";
import { nixosGeneration } from "./nixos-generation.ts";
import { services } from "./services.ts";
import { sshHardening } from "./ssh-hardening.ts";
import { timeSync } from "./time-sync.ts";
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
];
