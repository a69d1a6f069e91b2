import { describe, expect, test } from "bun:test";
import { findPersonNames } from "./person-names.ts";

const names = (text: string, streets: number[] = []) =>
  findPersonNames(text, streets).map((s) => text.slice(s.start, s.end));

describe("findPersonNames", () => {
  const cases: Array<[string, string, string[]]> = [
    ["given name and surname", "Robert Nguyen no-showed again", ["Robert Nguyen"]],
    ["middle initial", "Printed for Robert J. Nguyen on EXAM-4", ["Robert J. Nguyen"]],
    ["surname first", "ROBERT LETTER - NGUYEN, ROBERT", ["NGUYEN, ROBERT"]],
    [
      "after a document title, any capitalised words",
      "Referral letter for Quovi Thavimar",
      ["Quovi Thavimar"],
    ],
    ["after 'signed by'", "consent signed by Thaskiara Tontha at the desk", ["Thaskiara Tontha"]],
    ["initial and surname", "eligibility check for C. Soder returned active", ["C. Soder"]],
    ["honorific, lowercase", "can someone pull the chart for mrs wilderman?", ["wilderman"]],
    ["honorific, shouted", "SPOKE WITH MRS. GARCIA ABOUT THE BALANCE", ["GARCIA"]],
    ["honorific before an English word", "Dear Mrs. Lane, Mr. West called", ["Lane", "West"]],
    ["diacritics are evidence", "Returned for Yên Bằng Vương today", ["Yên Bằng Vương"]],
    [
      "name before a document title",
      "Zora Hayden Bartoletti - Immunization record",
      ["Zora Hayden Bartoletti"],
    ],
    ["name before a birth-date label", "NguyenPriya_DOB19940827.pdf", ["NguyenPriya"]],
    [
      "file name words before a document word",
      "/srv/export/kaufmann-victor-consent.csv",
      ["kaufmann-victor"],
    ],
    ["CamelCase file name", "copied \\\\NAS01\\adult\\ObergfollLiana_DOB19561024.pdf", ["ObergfollLiana"]],
    ["URL path under /patients/", "GET /portal/patients/pacome-gerard/chart", ["pacome-gerard"]],
    ["query value", "?patient=Robert+Nguyen&page=2", ["Robert+Nguyen"]],
    ["exported row", "row 3 skipped: TONIS,KAOVARA,04/25/1955,F", ["TONIS,KAOVARA"]],
    ["a relative's name", "mother Tonwyel Kasahara asked about visiting hours", ["Tonwyel Kasahara"]],
    ["whose relative", "spoke to Kadorwy's brother about the bill", ["Kadorwy"]],
    ["a caption", 'Photo caption: "Ovbek Lolotha - wound, day 3"', ["Ovbek Lolotha"]],
    ["possessive before a document", "Lowy Toste's chart is missing a signature", ["Lowy Toste"]],
    ["name before '- <document>.<ext>'", "Deleted Zuvi Stobbe - xray.pdf", ["Zuvi Stobbe"]],
    ["run-together file name", "OPENED CONSENT_OKAFORMICHAEL_202103.PDF ON EXAM-3", ["OKAFORMICHAEL"]],
    ["a note's subject", "Clinical note: Bekelmar states persistent cough", ["Bekelmar"]],
    ["a dotted URL segment", "https://portal.example/patient/elda.taube/labs", ["elda.taube"]],
    [
      "lowercase chat, by what follows",
      "left voicemail for kwame geeslin at (271) 575-6299",
      ["kwame geeslin"],
    ],
    ["shouted, by what follows", "PLS CALL DOROV CURCI BACK RE FORMS", ["DOROV CURCI"]],
    ["double-barrelled surname", "Fernando Fry-Rohnifbut requested records", ["Fernando Fry-Rohnifbut"]],
    ["double-barrelled given name", "Attn: Jan-Erik Brouwer, suite 4", ["Jan-Erik Brouwer"]],
    ["particles before the surname", "Medication list for Okvuel J. de Lange", ["Okvuel J. de Lange"]],
    ["particles after a title dash", "Progress note - Maaike van der Firve", ["Maaike van der Firve"]],
    ["a schedule's slot", "09:30 Zuva Poole - flu shot (Dr. Simon)", ["Zuva Poole"]],
    ["after a verb that reaches a person", "Emailed Giada Voorn to reschedule", ["Giada Voorn"]],
    ["after 'sent to'", "Appointment reminder sent to Willem bin Ulako for tomorrow", ["Willem bin Ulako"]],
    [
      "a particle before a birth-date label",
      "Giuseppe bin Atutezna (DOB 14.07.2020)",
      ["Giuseppe bin Atutezna"],
    ],
    ["a relative's role after", "Kenes Saefullah (mother of patient) called", ["Kenes Saefullah"]],
    ["an age after", "Walk-in: Grigore Cucu, 88, fever", ["Grigore Cucu"]],
    ["lowercase, a schedule's slot", "16:52 eeva koskinen - bp check", ["eeva koskinen"]],
    [
      "lowercase, after '<document> to'",
      "ok to release records to tuva jakobsen halvorsen?",
      ["tuva jakobsen halvorsen"],
    ],
    ["a card's side after the holder", "Insurance card scan: Tangen_Jorgen_front.jpg", ["Tangen_Jorgen"]],
    ["a name beside a host name", "Robert Nguyen logged in to EXAM-3", ["Robert Nguyen"]],
    ["CamelCase file name beside digits", "Scanned page: KobayashiAlbert_1013.docx", ["KobayashiAlbert"]],
    // Names that no dictionary lists, told from English by the SCOWL word lists (english.ts).
    ["lowercase chat, two words English lacks", "ndleleni mthembu ok to release?", ["ndleleni mthembu"]],
    [
      "capitalised, two words English lacks",
      "is Edgars Dombrovskis still in the lobby?",
      ["Edgars Dombrovskis"],
    ],
    ["a census surname that is an English word", "isabel waters in waiting room", ["isabel waters"]],
    ["a census given name alone", "is thomas still in the lobby?", ["thomas"]],
    ["a lone word where a person stands", "mpilo cant make it tues", ["mpilo"]],
    ["a lone word after a verb that reaches a person", "told safiatou we'd call", ["safiatou"]],
    ["a lone owner", "pls pull jure's strep", ["jure"]],
    [
      "particles and a double barrel",
      "wilma van der hoff-balode here for physical",
      ["wilma van der hoff-balode"],
    ],
    ["lowercase file name", "can someone reupload schinner_bergnaum_labs.pdf", ["schinner_bergnaum"]],
    ["lowercase HL7 name", "hl7 error: pid|1||4417||schinner^destinee||", ["schinner^destinee"]],
    ["CamelCase parts English lacks", "Scan failed: SlavobojRataj_1022.pdf", ["SlavobojRataj"]],
    [
      "shouted, two words English lacks",
      "RESCHEDULE CHINYERE TAMUNOEMI TO NEXT WEEK",
      ["CHINYERE TAMUNOEMI"],
    ],
    ["a run-together file stem before a number", "scan failed: kamladwivedi_1014.pdf", ["kamladwivedi"]],
    ["lowercase but for an abbreviation", "called lien dewilde re labs - LVM", ["lien dewilde"]],
  ];
  test.each(cases)("%s", (_, text, want) => {
    expect(names(text)).toEqual(want);
  });

  test("the addressee of a mailing label is the words before the street", () => {
    const text = "Label: KWAME OKAFOR / 12 MAIN ST / DENVER CO 80202";
    expect(names(text, [text.indexOf("12 MAIN")])).toEqual(["KWAME OKAFOR"]);
  });

  const none: Array<[string, string]> = [
    ["clinicians", "Dr. Priya Patel reviewed the chart"],
    ["milliseconds", "timed out after 30 ms waiting for the lock"],
    ["identifiers", "export const FederalRegisterPage = v.object({"],
    ["method calls", "for (const [k, v] of Object.entries(claims))"],
    ["PowerShell", "Get-EventLog -List | Where-Object { $_.Log }"],
    ["host names", "Dr. Adams signed in to WS-BILLING-01 from XRAY-PC"],
    ["lowercase prose", "this is done for various reasons, to keep memory around"],
    ["shouted prose", "SORRY FOR MAKING YOU YELL IN YOUR HEAD"],
    ["product names", "update available for Adobe Reader and Google Chrome"],
    ["field labels", "insurance card - Member ID: W123456789"],
    ["everyday words that are given names", "Will retry; Mark as read; Grant access; May 2026 update"],
    ["lowercase complaints", "clinical note: seen for dizziness when standing; recheck in 2 weeks"],
    ["clinicians in lowercase", "fax cover: to: dr. adams; re: results"],
    ["log verbs before a file", "Uploaded Quarterly - invoice.pdf"],
    ["a schedule's meeting", "09:30 Staff Meeting - Conference Room (Dr. Hogan)"],
    ["lowercase results for a test", "labs: results for blood work, see chart"],
    ["drug and device chat", "ozempic samples in the closet; glucometer in rm 4 broken"],
    ["faker-style product chat", "elegant ceramic chips arrived wed"],
    ["contractions after a drug", "says the azithromycin isn't working"],
    ["a setting's value", 'remediates = "tmutil startbackup --auto --block."'],
    ["check ids", "rule winrm-unencrypted fired on EXAM-3"],
    ["file stems of two English words", "saved scansnap_0001.pdf and screenshot_2024.png"],
    ["the product's own messages", "this appliance has no runbook runner configured; only root has UID 0"],
    ["product words in lowercase prose", "the uploader resends from the cloud's head; the runbook's bounds"],
    ["shouted labels", "HIPAA ACKNOWLEDGEMENT SIGNED; Med Rec #XY-816862"],
    ["a product opening a clause", "Ticket 47256 closed: Athena crashed when opening large PDFs"],
    [
      "businesses reached",
      "Called Comcast Business to report the outage; left message for Lakeside Pharmacy",
    ],
  ];
  test.each(none)("leaves %s alone", (_, text) => {
    expect(names(text)).toEqual([]);
  });
});
