/**
 * Plain-language explanations of checks for clinic staff. Check ids differ between platforms and
 * grow over time, so an explanation is found by the topic words in the id (firewall, backup…),
 * falling back to the HIPAA control the finding cites, then to the finding's own title.
 */
import { type CheckStatus, type Finding, hipaaControl, standardOf } from "../protocol/index.ts";
import { needsPersonReason } from "./index.ts";

/** What a check is about, why it matters, and what (if anything) staff should do when it is not passing. */
export interface Explanation {
  topic: string;
  why: string;
  /** The problem when the check fails, in a few words ("Disk not encrypted"). */
  problem: string;
}

type Topic = [pattern: RegExp, topic: string, why: string, problem: string];

// Order matters: the first match wins, so specific words come before general ones.
const TOPICS: Topic[] = [
  // Threats from the event logs first: their ids also carry topic words (malware, account).
  [
    /threat-(brute-force|lockout)/,
    "Password guessing",
    "Repeated failed sign-ins can mean someone is guessing passwords.",
    "Repeated failed sign-ins",
  ],
  [
    /threat-log-cleared|event-log-gap/,
    "Event log",
    "A cleared or interrupted event log can hide an intruder's steps.",
    "Event log cleared or interrupted",
  ],
  [
    /threat-account-change/,
    "Account changes",
    "Unexpected account changes can mean someone gave themselves access.",
    "Unexpected account change",
  ],
  [
    /threat-(ransomware|malware)/,
    "Malware",
    "Malicious software can steal or lock patient data.",
    "Malware activity seen",
  ],
  [
    /evidence-upload/,
    "Records sent to the cloud",
    "Makes sure the signed compliance records reach your IT provider, where an auditor can check them.",
    "Records not reaching the cloud",
  ],
  [
    /bitlocker|luks|encrypt/,
    "Disk encryption",
    "Keeps patient data unreadable if a computer or disk is stolen.",
    "Disk not encrypted",
  ],
  [
    /backup/,
    "Backups",
    "Makes sure patient records can be restored after a failure or ransomware.",
    "Backups not working",
  ],
  [
    /defender|antivirus|malware/,
    "Virus protection",
    "Catches viruses and ransomware before they can spread.",
    "Virus protection off",
  ],
  [
    /firewall|open-ports|ports/,
    "Firewall",
    "Blocks connections from outside that computers should never accept.",
    "Firewall off or unexpected ports open",
  ],
  [
    /smb/,
    "File sharing security",
    "Stops others on the network from tampering with shared files.",
    "File sharing not secured",
  ],
  [
    /update|patch|upgrade|nixos-generation|generation/,
    "Security updates",
    "Closes known holes attackers use to get in.",
    "Security updates missing",
  ],
  [
    /audit|journald|auditd|log/,
    "Activity logging",
    "Keeps a record of who did what, which HIPAA requires.",
    "Activity logging off",
  ],
  [
    /screen-?lock|screensaver|logoff/,
    "Automatic screen lock",
    "Locks an unattended screen so passers-by cannot see patient data.",
    "Screen lock off",
  ],
  [
    /password|lockout/,
    "Passwords",
    "Makes passwords hard to guess and locks out repeated guessing.",
    "Password rules too weak",
  ],
  [
    /rdp|remote/,
    "Remote access",
    "Makes sure only verified people can connect remotely.",
    "Remote access not secured",
  ],
  [
    /ssh/,
    "Administrator access",
    "Makes sure only your IT provider's keys can administer the appliance.",
    "Administrator access not locked down",
  ],
  [
    /admin|guest|account|user/,
    "User accounts",
    "Makes sure only the right people have accounts and admin rights.",
    "Unexpected accounts or admin rights",
  ],
  [
    /persistence|scheduled-task|run-key|wmi/,
    "Hidden startup programs",
    "Looks for programs set up to run secretly, a sign of intrusion.",
    "Hidden startup program found",
  ],
  [
    /time|ntp|clock/,
    "Clock accuracy",
    "Keeps the clock right so records show when things really happened.",
    "Clock out of sync",
  ],
  [
    /disk|space|storage/,
    "Disk space",
    "Makes sure there is room to keep logs and records.",
    "Disk nearly full",
  ],
  [
    /cert/,
    "Certificates",
    "Keeps secure connections working before their certificates expire.",
    "Certificate expiring or invalid",
  ],
  [
    /service/,
    "Essential services",
    "Makes sure the programs that protect the system are running.",
    "Essential service not running",
  ],
  [
    /suid|permission/,
    "File permissions",
    "Makes sure sensitive files can only be changed by the right accounts.",
    "File permissions too open",
  ],
];

/** Plain words for a standard of the Security Rule, used when no topic word matches. */
const BY_STANDARD: Record<string, string> = {
  "§164.312(a)(1)": "Controls who can get at patient data.",
  "§164.312(b)": "Keeps a record of activity on systems holding patient data.",
  "§164.312(c)(1)": "Protects patient data from being changed or destroyed.",
  "§164.312(d)": "Makes sure people are who they say they are.",
  "§164.312(e)(1)": "Protects patient data sent over the network.",
  "§164.308(a)(5)": "Protects against malicious software and weak passwords.",
  "§164.308(a)(7)": "Makes sure you can keep working and recover data after an emergency.",
  "§164.308(a)(1)": "Spots security problems so they can be fixed.",
};

/** Explain a finding in plain language for clinic staff. */
export function explainCheck(f: Pick<Finding, "checkId" | "title" | "citations">): Explanation {
  const id = f.checkId.toLowerCase();
  for (const [re, topic, why, problem] of TOPICS) if (re.test(id)) return { topic, why, problem };
  const problem = `${f.title || f.checkId}: not met`;
  for (const c of f.citations) {
    const why = BY_STANDARD[standardOf(c)];
    if (why) return { topic: hipaaControl(standardOf(c))?.title ?? f.title, why, problem };
  }
  return {
    topic: f.title || f.checkId,
    why: "A safeguard your IT provider monitors for HIPAA compliance.",
    problem,
  };
}

/** An incident's or failing check's title naming the problem and the host ("Disk not encrypted on FRONTDESK-2"). */
export function problemTitle(f: Pick<Finding, "checkId" | "title" | "citations">, host: string): string {
  return `${explainCheck(f).problem} on ${host}`;
}

/**
 * What a status means for staff, and whether they need to do anything. Drift on a check no
 * runbook may fix (monitor-only, or a threat) "needs a person" rather than an automatic fix.
 */
export function statusMeaning(status: CheckStatus, checkId?: string): { label: string; advice: string } {
  const person = checkId === undefined ? undefined : needsPersonReason(checkId);
  if (person && (status === "fail" || status === "warn"))
    return {
      label: "Needs a person",
      advice: `This is not fixed automatically (${person}); your IT provider has been alerted and will follow up.`,
    };
  switch (status) {
    case "pass":
      return { label: "OK", advice: "Nothing to do." };
    case "warn":
      return {
        label: "Needs a look",
        advice: "Not urgent. Your IT provider sees this too and will follow up.",
      };
    case "fail":
      return {
        label: "Problem",
        advice:
          "The appliance tries to fix this automatically; if it stays red, your IT provider is alerted.",
      };
    case "unreachable":
      return {
        label: "Switched off",
        advice:
          "This computer did not answer; that is fine for a workstation that is off. It is checked again when it is back.",
      };
    case "error":
      return {
        label: "Could not check",
        advice: "The appliance could not reach or read this computer. Check that it is switched on.",
      };
  }
}
