import { describe, expect, test } from "bun:test";
import { sampleFinding } from "../../protocol/testkit.ts";
import { findPhi, scrubFinding, scrubJson, scrubText } from "./scrub.ts";

describe("scrubText", () => {
  const cases: Array<[string, string]> = [
    ["SSN 123-45-6789 on file", "SSN [REDACTED:ssn] on file"],
    ["ssn: 123456789", "ssn: [REDACTED:ssn]"],
    ["MRN: A1234567 admitted", "MRN: [REDACTED:mrn] admitted"],
    ["DOB 03/14/1985", "DOB [REDACTED:dob]"],
    ["date of birth: March 14, 1985", "date of birth: [REDACTED:dob]"],
    ["call (555) 123-4567 ext. 12", "call [REDACTED:phone]"],
    ["mail jane.doe@example.org now", "mail [REDACTED:email] now"],
    ["lives at 42 N. Oak Avenue, Apt 4B, Springfield, IL 62704", "lives at [REDACTED:address]"],
    ["Patient: Smith, John", "Patient: [REDACTED:name]"],
    ['patientName="María O\'Brien"', 'patientName="[REDACTED:name]"'],
    ["Member ID: XJH123456789", "Member ID: [REDACTED:member-id]"],
    ["MBI 1EG4-TE5-MK73", "MBI [REDACTED:member-id]"],
    ["Dx: essential hypertension", "Dx: [REDACTED:note]"],
  ];
  test.each(cases)("%s", (input, want) => {
    expect(scrubText(input)).toBe(want);
  });

  // Operational text the evidence needs must survive untouched.
  const clean = [
    "2026-11-25T10:14:03.120Z INFO winrm: 200 from 10.0.0.5:5985 in 42 ms",
    "Installed KB5031356 (build 10.0.19045.3693) on DC01",
    "Account S-1-5-21-1004336348-1177238915-682003330-512 logged on type 3",
    "Patient Portal service restarted on DC01",
    "Firewall rule 'Allow RDP' port 3389 enabled on profile Domain",
    "Dr. Adams signed in to EXAM-3 at 08:12",
    "disk /dev/sda1 91% used (2345678901 bytes free)",
  ];
  test.each(clean)("leaves %s alone", (line) => {
    expect(findPhi(line)).toEqual([]);
    expect(scrubText(line)).toBe(line);
  });
});

// Issue #15 item 3: what an independently written clinic-log corpus showed the scrubber missing.
describe("scrubText finds PHI without a field label", () => {
  const cases: Array<[string, string, string]> = [
    ["document title", "Discharge summary for Robert Nguyen", "Discharge summary for [REDACTED:name]"],
    ["shouted title", "REFERRAL LETTER - NGUYEN, ROBERT", "REFERRAL LETTER - [REDACTED:name]"],
    [
      "file name",
      "saved C:\\Scans\\Referral_Jennifer_Johnson.pdf",
      "saved C:\\Scans\\Referral_[REDACTED:name].pdf",
    ],
    [
      "CamelCase file name",
      "copied JohnsonJennifer_DOB19850314.pdf",
      "copied [REDACTED:name]_DOB[REDACTED:dob].pdf",
    ],
    [
      "surname and initial in a file name",
      "sync conflict: NGUYEN_R_discharge.tif",
      "sync conflict: [REDACTED:name]_discharge.tif",
    ],
    [
      "scanned-document caption",
      "Scanned document: Consent form — Maria Gonzalez, 2 pages",
      "Scanned document: Consent form — [REDACTED:name], 2 pages",
    ],
    [
      "URL path",
      "GET /patients/jennifer-johnson/chart 200 12 ms",
      "GET /patients/[REDACTED:name]/chart 200 12 ms",
    ],
    [
      "URL query",
      "referer /search?q=Robert+Nguyen&dob=1985-03-14",
      "referer /search?q=[REDACTED:name]&dob=[REDACTED:dob]",
    ],
    [
      "mailing label",
      "ROBERT J NGUYEN / 123 MAIN ST APT 4 / WILKES-BARRE PA 18701",
      // Street, city, state and ZIP are one address: one redaction.
      "[REDACTED:name] / [REDACTED:address]",
    ],
    [
      "possessive",
      "Nguyen's chart was attached to the wrong visit",
      "[REDACTED:name]'s chart was attached to the wrong visit",
    ],
    [
      "given name calling",
      "Jennifer called asking about the referral",
      "[REDACTED:name] called asking about the referral",
    ],
    ["lowercase chat", "left vm for robert nguyen re: refill", "left vm for [REDACTED:name] re: refill"],
    [
      "HL7 PID segment",
      "PID|1||1234567^^^MAIN^MR||NGUYEN^ROBERT^J||19850314|M",
      "PID|1||[REDACTED:mrn]^^^MAIN^MR||[REDACTED:name]||[REDACTED:dob]|M",
    ],
    [
      "exported row",
      "import row 12 skipped: NGUYEN,ROBERT,03/14/1985,M",
      "import row 12 skipped: [REDACTED:name],[REDACTED:dob],M",
    ],
    [
      "MR# record number",
      "MR# 64358 merged into MR #123456",
      "MR# [REDACTED:mrn] merged into MR #[REDACTED:mrn]",
    ],
    ["account number", "Acct 419540381 balance due", "Acct [REDACTED:mrn] balance due"],
    [
      "hyphenated city",
      "Statement returned from Wilkes-Barre, PA 18701",
      "Statement returned from [REDACTED:address]",
    ],
    ["multi-word city", "Pt moved to Salt Lake City, UT 84101-1234", "Pt moved to [REDACTED:address]"],
    ["four-word city", "mail went to Cape May Court House, NJ 08210", "mail went to [REDACTED:address]"],
    [
      "city with an inner capital",
      "Statement returned from McAllen, TX 78501",
      "Statement returned from [REDACTED:address]",
    ],
    ["city with a particle", "moved to Coeur d'Alene, ID 83814", "moved to [REDACTED:address]"],
    [
      "abbreviated city",
      "Statement returned from Ft. Myers, FL 33901",
      "Statement returned from [REDACTED:address]",
    ],
    ["direction after the suffix", "Home: 198 MAIN STREET W", "Home: [REDACTED:address]"],
    ["one-letter street name", "lives at 2433 A Street", "lives at [REDACTED:address]"],
    ["street named with an inner capital", "Sent to 12 McKinley Ave", "Sent to [REDACTED:address]"],
    ["hyphenated street name", "ship to 9 Wilkes-Barre Blvd", "ship to [REDACTED:address]"],
    [
      "unusual street suffix",
      "undeliverable at 7228 Brakus Manor Apt. 388",
      "undeliverable at [REDACTED:address]",
    ],
    [
      "clinical note keeps its words",
      "Clinical note: Robert Nguyen seen for chest pain, BP 142/90; MR# 64358",
      "Clinical note: [REDACTED:name] seen for chest pain, BP 142/90; MR# [REDACTED:mrn]",
    ],
    ["accented name", "Lab report — Núñez, María José", "Lab report — [REDACTED:name]"],
  ];
  test.each(cases)("%s", (_, input, want) => {
    expect(scrubText(input)).toBe(want);
  });

  // Words the census lists share with English and with device logs, clinicians and clinic names.
  const kept = [
    "Will retry the upload in 30 s (attempt 2 of 5)",
    "Mark as read: 12 findings on FRONTDESK-2",
    "Grant access to \\\\NAS01\\scans for Front Desk? pending",
    "May 2026 cumulative update KB5034441 installed on EXAM-4",
    "Windows Defender Firewall with Advanced Security: rule enabled",
    "Hope Family Clinic VPN tunnel to Main Office is up (19 ms)",
    "Bill run 2026-05 finished: 300 claims, 2 rejected",
    "check win.defender.realtime: PASS on FRONTDESK-2 (12 ms)",
    "Dr. Priya Patel signed 3 notes on EXAM-4",
    "Page File size 8 GB; Max Memory 32 GB on BILLING-01",
    "timed out after 30 ms waiting for the lock",
    "Pt was prescribed metformin 500 mg twice daily.",
  ];
  test.each(kept)("keeps %s", (line) => {
    expect(scrubText(line)).toBe(line);
  });
});

describe("scrubJson", () => {
  test("replaces values under PHI keys whole and scrubs other strings", () => {
    const input = {
      host: "FRONTDESK-02",
      port: 3389,
      patient: { firstName: "Ana", lastName: "Lopez", dob: "1985-03-14", visits: 3 },
      guarantor: "Lopez, Ana",
      ssn: 123456789,
      log: ["export failed for MRN: 00123456", "ok"],
      "note for jane@example.org": true,
    };
    expect(scrubJson(input)).toEqual({
      host: "FRONTDESK-02",
      port: 3389,
      patient: {
        firstName: "[REDACTED:name]",
        lastName: "[REDACTED:name]",
        dob: "[REDACTED:dob]",
        visits: 3,
      },
      guarantor: "[REDACTED:name]",
      ssn: "[REDACTED:ssn]",
      log: ["export failed for MRN: [REDACTED:mrn]", "ok"],
      "note for [REDACTED:email]": true,
    });
  });

  test("does not mutate its input", () => {
    const input = { email: "a@b.org" };
    scrubJson(input);
    expect(input.email).toBe("a@b.org");
  });
});

test("scrubFinding scrubs a finding's text and details, leaving the rest", () => {
  const f = sampleFinding({
    title: "Chart for MRN: 00482913",
    actual: "last logon by jane@example.org",
    details: { ssn: "123-45-6789", port: 22 },
  });
  expect(scrubFinding(f)).toEqual({
    ...f,
    title: "Chart for MRN: [REDACTED:mrn]",
    actual: "last logon by [REDACTED:email]",
    details: { ssn: "[REDACTED:ssn]", port: 22 },
  });
});
