import type { LinuxCheck } from "../check.ts";
import { adminUsers } from "./admin-users.ts";
import { autoUpdates } from "./auto-updates.ts";
import { certificates } from "./certificates.ts";
import { fileSharing } from "./file-sharing.ts";
import { filevault } from "./filevault.ts";
import { firewall } from "./firewall.ts";
import { gatekeeper } from "./gatekeeper.ts";
import { pendingUpdates } from "./pending-updates.ts";
import { remoteLogin } from "./remote-login.ts";
import { screenLock } from "./screen-lock.ts";
import { sip } from "./sip.ts";
import { timeMachine } from "./time-machine.ts";
import { timeSync } from "./time-sync.ts";

/** Every check of a macOS host reached over SSH, in report order. */
export const MACOS_CHECKS: readonly LinuxCheck[] = [
  filevault,
  firewall,
  fileSharing,
  autoUpdates,
  pendingUpdates,
  screenLock,
  adminUsers,
  timeSync,
  timeMachine,
  certificates,
  gatekeeper,
  sip,
  remoteLogin,
];
