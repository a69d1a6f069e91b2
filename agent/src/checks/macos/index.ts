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
  {
    id: "macos.filevault",
    title: "FileVault disk encryption is on",
    citations: ["§164.312(a)(2)(iv)", "§164.310(d)(1)"],
    severity: "critical",
    runbookId: "macos.filevault",
    detect: filevault,
  },
  {
    id: "macos.firewall",
    title: "Application firewall is on",
    citations: ["§164.312(e)(1)", "§164.312(a)(1)"],
    severity: "high",
    runbookId: "macos.firewall",
    detect: firewall,
  },
  {
    id: "macos.file-sharing",
    title: "File sharing is off",
    citations: ["§164.312(a)(1)", "§164.312(e)(1)"],
    severity: "high",
    runbookId: "macos.file-sharing",
    detect: fileSharing,
  },
  {
    id: "macos.auto-updates",
    title: "Automatic update checks are on",
    citations: ["§164.308(a)(5)(ii)(B)", "§164.308(a)(1)(ii)(B)"],
    severity: "medium",
    runbookId: "macos.auto-updates",
    detect: autoUpdates,
  },
  {
    id: "macos.pending-updates",
    title: "No recommended updates are pending",
    citations: ["§164.308(a)(5)(ii)(B)"],
    severity: "medium",
    runbookId: "macos.pending-updates",
    detect: pendingUpdates,
  },
  {
    id: "macos.screen-lock",
    title: "Screen lock asks for a password within 5 minutes",
    citations: ["§164.312(a)(2)(iii)", "§164.310(b)"],
    severity: "medium",
    detect: screenLock,
  },
  {
    id: "macos.admin-users",
    title: "No new administrator accounts",
    citations: ["§164.308(a)(4)(ii)(B)", "§164.312(a)(1)"],
    severity: "high",
    runbookId: "macos.admin-users",
    detect: adminUsers,
  },
  {
    id: "macos.time-sync",
    title: "Network time is on",
    citations: ["§164.312(b)"],
    severity: "medium",
    runbookId: "macos.time-sync",
    detect: timeSync,
  },
  {
    id: "macos.time-machine",
    title: "Time Machine backed up within 48 hours",
    citations: ["§164.308(a)(7)(ii)(A)", "§164.310(d)(2)(iv)"],
    severity: "high",
    runbookId: "macos.time-machine",
    detect: timeMachine,
  },
  {
    id: "macos.certificates",
    title: "System keychain certificates are valid for 30 more days",
    citations: ["§164.312(e)(1)", "§164.312(e)(2)(ii)"],
    severity: "medium",
    detect: certificates,
  },
  {
    id: "macos.gatekeeper",
    title: "Gatekeeper is on",
    citations: ["§164.308(a)(5)(ii)(B)"],
    severity: "high",
    runbookId: "macos.gatekeeper",
    detect: gatekeeper,
  },
  {
    id: "macos.sip",
    title: "System Integrity Protection is on",
    citations: ["§164.312(c)(1)", "§164.308(a)(5)(ii)(B)"],
    severity: "high",
    detect: sip,
  },
  {
    id: "macos.remote-login",
    title: "Remote Login is limited to named users",
    citations: ["§164.312(a)(1)", "§164.312(d)"],
    severity: "high",
    runbookId: "macos.remote-login",
    detect: remoteLogin,
  },
];
