/**
 * The held-out PHI corpus: written by a different method from the tuning corpus (corpus.ts) and
 * never used to tune the scrubber. Where corpus.ts fills one-line templates from its own short lists,
 * this file draws whole patient records (names from @faker-js/faker in six locales, real US city /
 * state / ZIP triples from the `zipcodes` package, faker streets, phones and e-mails) and renders
 * each record into the artefacts a clinic's machines leave behind: document titles, scanned-document
 * captions, file paths, portal URLs, mailing labels, HL7 segments, CSV rows, e-mail subjects, chat
 * notes and clinical-note lines, in mixed case (legacy systems shout, chat whispers). PHI-free lines
 * come from other sources again: faker's hacker phrases, commit messages and file names, and
 * operational wording not used in corpus.ts. Labels follow HIPAA Safe Harbor (45 CFR
 * 164.514(b)(2)): names of the patient and relatives, street addresses and city + ZIP, dates tied to
 * the patient, phone, e-mail, SSN, record, account and plan numbers; values of labelled clinical
 * fields (Dx, allergies…) are `note`. Clinicians' names ("Dr. Patel") and clinic names are not PHI.
 */
import { base, de, en, en_US, es, es_MX, Faker, fr, it, pl, vi } from "@faker-js/faker";
import * as v from "valibot";
import zipcodes from "zipcodes";
import type { PhiKind } from "../../lib/phi/detectors.ts";
import { type CorpusLine, type LabelledSpan, MONTH_NAMES } from "./corpus.ts";

// A labelled value inside a line under construction, between private-use characters: OPEN kind MID
// text CLOSE. Case changes of a whole line (upper for legacy systems, lower for chat) keep them intact.
const OPEN = "\uE000";
const MID = "\uE001";
const CLOSE = "\uE002";
const MARKED = new RegExp(`${OPEN}([a-z-]+)${MID}([^${CLOSE}]*)${CLOSE}`, "gi");
const mark = (kind: PhiKind, text: string) => `${OPEN}${kind}${MID}${text}${CLOSE}`;

/** Parse a marked line into its text and gold spans. */
function unmark(raw: string): CorpusLine {
  const spans: LabelledSpan[] = [];
  let text = "";
  let at = 0;
  for (const m of raw.matchAll(MARKED)) {
    text += raw.slice(at, m.index);
    spans.push({ kind: m[1]!.toLowerCase() as PhiKind, start: text.length, end: text.length + m[2]!.length });
    text += m[2]!;
    at = m.index + m[0].length;
  }
  return { text: text + raw.slice(at), spans };
}

const ZipRow = v.object({ zip: v.string(), city: v.string(), state: v.string() });
const ZipTable = v.record(v.string(), ZipRow);

interface Person {
  first: string;
  middle: string;
  last: string;
  dob: Date;
  street: string;
  unit: string;
  city: string;
  state: string;
  zip: string;
  phone: string;
  email: string;
}

/** Build the held-out corpus: `phiLines` lines with PHI and `cleanLines` PHI-free lines. */
export function heldOutCorpus(
  opts: { seed?: number; phiLines?: number; cleanLines?: number } = {},
): CorpusLine[] {
  const seed = opts.seed ?? 4242;
  const us = new Faker({ locale: [en_US, en, base], seed });
  // Patients' names come from several locales, as a US clinic's patients do.
  const nameSources = [
    us,
    us,
    us,
    new Faker({ locale: [es_MX, es, en, base], seed: seed + 1 }),
    new Faker({ locale: [es, en, base], seed: seed + 2 }),
    new Faker({ locale: [de, en, base], seed: seed + 3 }),
    new Faker({ locale: [fr, en, base], seed: seed + 4 }),
    new Faker({ locale: [it, en, base], seed: seed + 5 }),
    new Faker({ locale: [pl, en, base], seed: seed + 6 }),
    new Faker({ locale: [vi, en, base], seed: seed + 7 }),
  ];
  const places = Object.values(v.parse(ZipTable, (zipcodes as { codes: unknown }).codes));
  const pick = <T>(xs: readonly T[]): T => us.helpers.arrayElement(xs);
  const int = (lo: number, hi: number) => us.number.int({ min: lo, max: hi });
  const digits = (n: number) => us.string.numeric({ length: n, allowLeadingZeros: true });
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  // The zipcodes table writes "Wilkes-barre"; addresses write "Wilkes-Barre".
  const titleCity = (c: string) =>
    c.replace(/(^|[-\s])(\p{Ll})/gu, (_, s: string, l: string) => s + l.toUpperCase());

  const person = (): Person => {
    const f = pick(nameSources);
    const first = f.person.firstName();
    const last = f.person.lastName();
    const place = pick(places);
    return {
      first,
      middle: us.person.middleName(),
      last,
      dob: us.date.birthdate({ mode: "age", min: 0, max: 99 }),
      street: us.location.streetAddress(),
      unit: us.location.secondaryAddress(),
      city: titleCity(place.city),
      state: place.state,
      zip: place.zip,
      phone: us.phone.number(),
      email: us.internet.email({ firstName: first, lastName: last }),
    };
  };

  const MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const fmtDate = (d: Date) => {
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    return pick([
      `${m}/${day}/${String(y).slice(2)}`,
      `${pad(m)}/${pad(day)}/${y}`,
      `${pad(m)}-${pad(day)}-${y}`,
      `${y}-${pad(m)}-${pad(day)}`,
      `${MON[m - 1]} ${day} ${y}`,
      `${MONTH_NAMES[m - 1]} ${day}, ${y}`,
      `${day}-${MON[m - 1]}-${y}`,
    ]);
  };
  const compactDate = (d: Date) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const visit = () => us.date.between({ from: "2023-01-01T00:00:00Z", to: "2026-11-01T00:00:00Z" });

  // Ways to write a name, each a marked string.
  const written = (p: Person): string =>
    pick([
      mark("name", `${p.first} ${p.last}`),
      mark("name", `${p.first} ${p.middle[0]}. ${p.last}`),
      mark("name", `${p.last}, ${p.first}`),
      mark("name", `${p.last.toUpperCase()}, ${p.first.toUpperCase()}`),
      mark("name", `${p.first} ${p.middle} ${p.last}`),
      mark("name", `${p.first[0]}. ${p.last}`),
    ]);
  const mrn = () =>
    pick([
      () => `MR# ${mark("mrn", digits(5))}`,
      () => `MR #${mark("mrn", digits(6))}`,
      () => `MRN ${mark("mrn", digits(8))}`,
      () => `MRN:${mark("mrn", `E${digits(7)}`)}`,
      () => `Med Rec No. ${mark("mrn", digits(7))}`,
      () => `Acct ${mark("mrn", digits(9))}`,
      () => `Account #${mark("mrn", `${digits(3)}-${digits(5)}`)}`,
      () => `Enc# ${mark("mrn", digits(8))}`,
      () => `chart no ${mark("mrn", digits(6))}`,
    ])();
  const docType = () =>
    pick([
      "Discharge summary",
      "Referral letter",
      "Lab report",
      "Consult note",
      "Radiology report",
      "Immunization record",
      "Prior authorization",
      "Visit summary",
      "Operative report",
      "Physical therapy plan",
      "Medication list",
      "Care plan",
    ]);
  const docWord = () =>
    pick(["Referral", "Labs", "Discharge", "Consent", "Xray", "EKG", "Intake", "Insurance", "Invoice"]);
  const clinician = () => `Dr. ${pick(nameSources).person.lastName()}`;
  const host = () =>
    pick([
      "FRONTDESK-2",
      "RECEPTION-PC",
      "EXAM-4",
      "NURSE-STATION",
      "BILLING-01",
      "SCAN-STATION",
      "MGR-LAPTOP",
    ]);
  const stamp = () =>
    `${pick(["Nov", "Dec"])} ${int(1, 28)} ${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}`;
  const street = (p: Person, upper = false) => {
    const s = `${p.street}${pick(["", "", `, ${p.unit}`, ` ${p.unit}`])}`;
    return upper ? s.toUpperCase() : s;
  };
  const cityLine = (p: Person) => pick([`${p.city}, ${p.state} ${p.zip}`, `${p.city} ${p.state} ${p.zip}`]);
  const fileSafe = (s: string) =>
    s
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .replace(/[^A-Za-z0-9]+/g, "");

  // PHI lines: each renders one patient record into one artefact.
  const renderers: Array<(p: Person) => string> = [
    // Document titles and captions, with no field label before the name.
    (p) => `${docType()} for ${written(p)}`,
    (p) =>
      `${docType().toUpperCase()} - ${mark("name", `${p.last.toUpperCase()}, ${p.first.toUpperCase()}`)}`,
    (p) => `Scanned document: ${docType()} — ${written(p)}, ${int(1, 6)} pages`,
    (p) => `Caption: "${docWord()} form signed by ${mark("name", `${p.first} ${p.last}`)}"`,
    (p) => `${written(p)} - ${docType()} (${mrn()})`,
    (p) => `Printed ${docType().toLowerCase()} for ${mark("name", `${p.first} ${p.last}`)} on ${host()}`,
    (p) =>
      `${mark("name", `${p.first} ${p.last}`)}'s ${pick(["chart", "insurance card", "lab results", "referral"])} was attached to the wrong visit`,
    // File names and paths.
    (p) =>
      `${stamp()} ${host()} scanner: saved C:\\Scans\\${docWord()}_${mark("name", `${fileSafe(p.first)}_${fileSafe(p.last)}`)}.pdf`,
    (p) =>
      `copied \\\\NAS01\\records\\${p.dob.getUTCFullYear() > 2000 ? "peds" : "adult"}\\${mark("name", `${fileSafe(p.last)}${fileSafe(p.first)}`)}_DOB${mark("dob", compactDate(p.dob))}.pdf to the export share`,
    (p) =>
      `/srv/ehr/export/${mark("name", `${fileSafe(p.last).toLowerCase()}-${fileSafe(p.first).toLowerCase()}`)}-${docWord().toLowerCase()}.csv: permission denied`,
    (p) =>
      `Attachment "${docWord()} - ${mark("name", `${p.first} ${p.last}`)}.docx" blocked by the mail filter`,
    (p) =>
      `OneDrive sync conflict: ${mark("name", `${fileSafe(p.last).toUpperCase()}_${p.first[0]!.toUpperCase()}`)}_${docWord().toLowerCase()}.tif`,
    // URLs.
    (p) =>
      `GET /portal/patients/${mark("name", `${fileSafe(p.first).toLowerCase()}-${fileSafe(p.last).toLowerCase()}`)}/chart?tab=${pick(["labs", "meds", "notes"])} 200 ${int(5, 900)}ms`,
    (p) =>
      `referer https://ehr.clinic.example/search?q=${mark("name", `${fileSafe(p.first)}+${fileSafe(p.last)}`)}&dob=${mark("dob", `${p.dob.getUTCFullYear()}-${pad(p.dob.getUTCMonth() + 1)}-${pad(p.dob.getUTCDate())}`)}`,
    // Mailing labels and addresses.
    (p) =>
      `Mailing label: ${mark("name", `${p.first} ${p.last}`.toUpperCase())} / ${mark("address", street(p, true))} / ${mark("address", cityLine(p).toUpperCase())}`,
    (p) =>
      `Returned mail: ${mark("name", `${p.first} ${p.last}`)}, ${mark("address", street(p))}, ${mark("address", `${p.city}, ${p.state} ${p.zip}`)}`,
    (p) => `Pt moved to ${mark("address", `${p.city}, ${p.state} ${p.zip}`)}; update the statement address`,
    (p) => `statement ${digits(6)} undeliverable at ${mark("address", street(p))}`,
    // Interfaces: HL7 and CSV.
    (p) =>
      `HL7 PID|1||${mark("mrn", digits(7))}^^^CLINIC^MR||${mark("name", `${p.last.toUpperCase()}^${p.first.toUpperCase()}^${p.middle[0]!.toUpperCase()}`)}||${mark("dob", compactDate(p.dob))}|${pick(["M", "F"])}`,
    (p) =>
      `import row ${int(2, 4000)} skipped: ${mark("name", p.last.toUpperCase())},${mark("name", p.first.toUpperCase())},${mark("dob", `${pad(p.dob.getUTCMonth() + 1)}/${pad(p.dob.getUTCDate())}/${p.dob.getUTCFullYear()}`)},${pick(["M", "F"])}`,
    // E-mail and phone.
    (p) =>
      `Subject: FW: records request - ${mark("name", `${p.first} ${p.last}`)} DOB ${mark("dob", fmtDate(p.dob))}`,
    (p) => `message from ${mark("email", p.email)} quarantined (reason: attachment type)`,
    (p) => `voicemail ${int(1, 40)} from ${mark("phone", p.phone)} transcribed: asking about a refill`,
    (p) =>
      `left vm for ${mark("name", `${p.first} ${p.last}`.toLowerCase())} at ${mark("phone", p.phone)} re: appointment tomorrow`,
    (p) =>
      `Emergency contact ${mark("name", `${pick(nameSources).person.firstName()} ${p.last}`)} (${pick(["spouse", "mother", "son", "daughter"])}) ${mark("phone", p.phone)}`,
    // Notes, with labels kept and only identifiers marked.
    (p) =>
      `Clinical note: ${mark("name", `${p.first} ${p.last}`)} seen today by ${clinician()} for follow-up of hypertension; BP improved, continue current dose.`,
    (p) =>
      `Progress note (${clinician()}): pt ${mark("name", p.first)} reports less pain this week, sleeping better.`,
    (p) =>
      `${mark("name", p.first.split(" ")[0]!)} called asking whether the ${pick(["referral", "prior authorization", "refill"])} went through`,
    (p) =>
      `${mark("name", `${p.first} ${p.last}`)} ${pick(["called twice about the bill", "no-showed again", "is waiting in room 3", "asked for a copy of the records"])}`,
    () =>
      `Dx: ${mark("note", pick(["type 2 diabetes", "major depression, recurrent", "chronic hepatitis C", "asthma"]))}; ${mrn()}`,
    (p) =>
      `Allergies: ${mark("note", pick(["sulfa", "codeine, latex", "penicillin (hives)"]))} - confirmed with ${mark("name", `${p.first} ${p.last}`)}`,
    (p) => `Admitted ${mark("dob", fmtDate(visit()))} - ${written(p)} - ${mrn()}`,
    (p) =>
      `SSN ${mark("ssn", `${digits(3)}-${digits(2)}-${digits(4)}`)} entered in the wrong field for ${mark("name", `${p.first} ${p.last}`)}`,
    (p) =>
      `Eligibility: member ${mark("member-id", `${us.string.alpha({ length: 3, casing: "upper" })}${digits(9)}`)} active for ${written(p)}`,
    (p) =>
      `chat: can someone pull the chart for mrs ${mark("name", p.last.toLowerCase())}? she's at the front desk`,
  ];
  // Case of a whole line: as written, shouted by a legacy system, or typed lowercase in chat.
  const cased = (s: string) => {
    const r = us.number.float();
    return r < 0.12 ? s.toUpperCase() : r < 0.2 ? s.toLowerCase() : s;
  };

  // PHI-free lines: what the same machines log about themselves.
  const clean: Array<() => string> = [
    () =>
      `${stamp()} ${host()} systemd[1]: Started ${pick(["Daily apt upgrade", "Session 42 of user frontdesk", "Rotate log files"])}.`,
    () => `${stamp()} ${host()} kernel: usb 1-${int(1, 4)}: new high-speed USB device number ${int(2, 40)}`,
    () =>
      `Windows Defender Firewall with Advanced Security: rule "${pick(["Remote Desktop", "File and Printer Sharing", "Network Discovery"])}" ${pick(["enabled", "disabled"])}`,
    () => `Will retry the upload in ${int(5, 300)} s (attempt ${int(1, 5)} of 5)`,
    () => `Mark as reviewed: ${int(1, 90)} findings on ${host()}`,
    () => `Grant access to \\\\NAS01\\scans for group Front Desk? pending approval`,
    () => `May ${int(2024, 2026)} cumulative update KB50${digits(5)} installed on ${host()}`,
    () =>
      `Bill run ${int(2024, 2026)}-${pad(int(1, 12))} finished: ${int(10, 900)} claims, ${int(0, 9)} rejected`,
    () =>
      `Hope Family Clinic VPN tunnel to ${pick(["Main Office", "North Campus"])} is up (${int(2, 90)} ms)`,
    () => `Grace Medical Group: ${int(1, 30)} workstations compliant, ${int(0, 4)} need attention`,
    () => `${clinician()} signed ${int(1, 30)} notes on ${host()}`,
    () => `Chase Bank payment portal certificate expires in ${int(1, 90)} days`,
    () => `Event ID 4624: An account was successfully logged on. Logon Type: ${int(2, 11)}`,
    () =>
      `check ${pick(["win.bitlocker", "win.defender.realtime", "linux.ssh.root_login", "win.screensaver.lock"])}: ${pick(["PASS", "FAIL", "WARN"])} (${int(1, 900)} ms)`,
    () => `Scheduled scan found ${int(0, 3)} threats in ${int(1000, 90000)} files`,
    () => `backup to Backblaze B2 bucket clinic-${digits(4)}: ${int(1, 800)} GB uploaded`,
    () => `${us.hacker.phrase()}`,
    () => `git: ${us.git.commitMessage()} (${us.git.commitSha({ length: 7 })})`,
    () => `download ${us.system.commonFileName()} blocked by SmartScreen on ${host()}`,
    () => `UPS on ${host()}: On Battery, ${int(5, 100)}% remaining, runtime ${int(1, 60)} min`,
    () => `Print job ${int(1, 999)} on Brother MFC-L8900CDW: Paper Jam in Tray 2`,
    () => `Local Security Policy: Interactive logon: Machine inactivity limit = ${int(300, 900)} seconds`,
    () => `password for svc-scan changed by MSP\\tech${int(1, 9)} on ${host()}`,
    () => `Spring cleanup: removed ${int(1, 40)} stale computer accounts from Active Directory`,
  ];

  const lines: CorpusLine[] = [];
  const n = opts.phiLines ?? 600;
  for (let i = 0; i < n; i++) lines.push(unmark(cased(renderers[i % renderers.length]!(person()))));
  for (let i = 0; i < (opts.cleanLines ?? 300); i++) lines.push(unmark(clean[i % clean.length]!()));
  return us.helpers.shuffle(lines);
}
