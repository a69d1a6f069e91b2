import { expect, test } from "bun:test";
import { explainCheck, problemTitle, statusMeaning } from "./explain.ts";

test.each([
  ["windows.bitlocker", [], "Disk encryption"],
  ["linux.luks", [], "Disk encryption"],
  ["windows.backup", [], "Backups"],
  ["windows.defender", [], "Virus protection"],
  ["windows.firewall", [], "Firewall"],
  ["linux.open-ports", [], "Firewall"],
  ["windows.smb-signing", [], "File sharing security"],
  ["windows.update-age", [], "Security updates"],
  ["windows.audit-policy", [], "Activity logging"],
  ["windows.screen-lock", [], "Automatic screen lock"],
  ["windows.password-policy", [], "Passwords"],
  ["windows.rdp-nla", [], "Remote access"],
  ["linux.ssh-hardening", [], "Administrator access"],
  ["windows.local-admins", [], "User accounts"],
  ["linux.time-sync", [], "Clock accuracy"],
  ["linux.disk-space", [], "Disk space"],
  // no topic word: the cited control explains it
  ["custom.thing", ["§164.312(e)(2)(ii)"], "Transmission security"],
  // nothing at all: the finding's title
  ["custom.thing", [], "Custom title"],
])("%s %j → %s", (checkId, citations, topic) => {
  const e = explainCheck({ checkId, citations, title: "Custom title" });
  expect(e.topic).toBe(topic);
  expect(e.why.length).toBeGreaterThan(10);
});

test("every status has a label and advice", () => {
  for (const s of ["pass", "warn", "fail", "error"] as const) {
    const m = statusMeaning(s);
    expect(m.label).not.toBe("");
    expect(m.advice).not.toBe("");
  }
});

test("drift on a monitor-only check or a threat needs a person; a fixable check is fixed automatically", () => {
  expect(statusMeaning("fail", "windows.ad-krbtgt-age")).toMatchObject({ label: "Needs a person" });
  expect(statusMeaning("fail", "windows.ad-krbtgt-age").advice).toContain("Resetting krbtgt");
  expect(statusMeaning("fail", "windows.threat-brute-force").label).toBe("Needs a person");
  expect(statusMeaning("fail", "windows.firewall").advice).toContain("tries to fix this automatically");
  expect(statusMeaning("pass", "windows.ad-krbtgt-age").label).toBe("OK");
  expect(statusMeaning("unreachable", "windows.reachable").label).toBe("Switched off");
});

test("drift on a check no runbook fixes needs a person; the page never promises an automatic fix", () => {
  for (const id of ["linux.disk-encryption", "linux.firewall", "linux.listening-ports"]) {
    expect(statusMeaning("fail", id).label).toBe("Needs a person");
    expect(statusMeaning("fail", id).advice).toContain("no runbook exists for it");
  }
  expect(statusMeaning("fail", "linux.ssh-hardening").advice).toContain("tries to fix this automatically");
});

test.each([
  ["windows.bitlocker", "Disk encryption enabled", "Disk not encrypted on FRONTDESK-2"],
  ["linux.firewall", "Host firewall active", "Firewall off or unexpected ports open on FRONTDESK-2"],
  ["windows.threat-brute-force", "Brute-force logons", "Repeated failed sign-ins on FRONTDESK-2"],
  ["windows.threat-malware", "Malware detected", "Malware activity seen on FRONTDESK-2"],
  ["custom.thing", "Custom goal", "Custom goal: not met on FRONTDESK-2"],
])("%s titled %j → %j", (checkId, title, expected) => {
  expect(problemTitle({ checkId, title, citations: [] }, "FRONTDESK-2")).toBe(expected);
});
