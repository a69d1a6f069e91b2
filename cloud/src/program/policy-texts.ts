/**
 * The policy library's texts, written by us in plain language. Each is adopted per site with the
 * clinic's name and officers filled in (renderPolicy); the adopted text's SHA-256 goes into the
 * signed adoption record, so the exact words a clinic adopted can be shown later.
 */
import { sha256Hex } from "../../../protocol/hash.ts";
import { POLICY_LIBRARY } from "../../../protocol/program-catalogue.ts";

/** Paragraphs of each policy; {clinic}, {security}, {privacy} and {effective} are filled in at adoption. */
const TEXTS: Record<string, string[]> = {
  "access-control": [
    "Purpose. {clinic} gives each person access to electronic protected health information (ePHI) only as far as their job needs it.",
    "Every person has their own user ID. Nobody shares passwords or signs in as someone else.",
    "A manager asks for access in writing (e-mail is enough); {security} or the IT provider grants it and keeps the request. Access is reviewed at least every six months and changed when a job changes.",
    "Passwords are at least 12 characters. Accounts lock after repeated failed sign-ins. Remote access uses network-level authentication.",
    "Screens lock after 15 minutes without use. Staff lock their screen when they walk away.",
    "Emergency access: if normal sign-in fails during patient care, {security} may use the sealed emergency account. Every use is written down and the password is changed afterwards.",
  ],
  "audit-logging": [
    "Purpose. {clinic} records who uses its systems and looks at those records, so misuse is noticed.",
    "Audit logging stays switched on for every computer and server that holds ePHI. Nobody may clear or switch off logs.",
    "The monitoring appliance checks the logging settings continuously and alerts the IT provider when they drift.",
    "{security} reviews the activity report at least monthly: failed sign-ins, new administrator accounts, cleared logs and unusual access. The review is noted with its date.",
    "Records are protected from change: evidence is signed and kept in write-once storage.",
  ],
  "contingency-backup": [
    "Purpose. {clinic} can keep caring for patients and restore its data after an outage, fire, flood or ransomware.",
    "Exact copies of ePHI are backed up every day and kept encrypted in a second location. A backup older than seven days is treated as a failure.",
    "Restoring from backup is tested at least twice a year; the result is written down.",
    "Disaster recovery: the IT provider restores systems in the order of the criticality list (electronic health record first, then scheduling and billing, then everything else).",
    "Emergency mode: during an outage, paper charts are kept locked and entered once systems return; security controls stay on.",
    "{security} keeps the plan, the contact list and the criticality list up to date and reviews them yearly.",
  ],
  "incident-response": [
    "Purpose. {clinic} notices security incidents early, limits the harm and reports them as the law requires.",
    "Anyone who suspects an incident (a lost laptop, a strange e-mail that was opened, a wrong fax) tells {security} at once. Nobody is blamed for reporting.",
    "{security} and the IT provider contain the incident, find out what happened and which information was involved, and keep notes with times.",
    "If unsecured PHI may have been disclosed, {privacy} decides on breach notification: patients within 60 days, and HHS as the Breach Notification Rule requires.",
    "After each incident, the practice writes down what it learned and what it changes.",
  ],
  "device-media": [
    "Purpose. ePHI does not leave {clinic} on a lost, discarded or re-used device.",
    "Laptops, desktops and removable drives that hold ePHI are encrypted.",
    "Before a device is thrown away, returned or given to someone else, its storage is wiped with a recognised method or physically destroyed; {security} keeps the certificate or note.",
    "{security} keeps a list of devices that hold ePHI, who has them and where they go.",
    "Before equipment holding ePHI is moved, a backup copy is made.",
  ],
  "workforce-security": [
    "Purpose. Only the right people have access to ePHI at {clinic}, and only while they work here.",
    "New staff are checked (references, licences and, where appropriate, background) before they get access.",
    "Each person's access matches their role; supervisors make sure people use only what they need.",
    "Everyone completes security awareness training when they start and every year.",
    "On a person's last day, their accounts are disabled and keys, badges and devices collected the same day.",
  ],
  sanctions: [
    "Purpose. Staff at {clinic} know that breaking security policies has consequences.",
    "A violation is handled according to its seriousness: coaching, a written warning, suspension of access, or dismissal. Deliberate misuse of patient information can lead to dismissal at once.",
    "{security} records each sanction with the date, the policy broken and the action taken, and keeps the record for six years.",
    "Sanctions are applied the same way to everyone, including managers and clinicians.",
  ],
  "risk-management": [
    "Purpose. {clinic} knows the risks to its ePHI and reduces them to a reasonable level.",
    "{security} is the security official responsible for this program. {privacy} is the privacy officer.",
    "A security risk assessment is done every year and after major changes (new system, move, incident). It rates each risk by likelihood and impact.",
    "Every gap found gets a remediation step with an owner and a due date. {security} follows the plan up until each step is done.",
    "Where a control cannot be met, an exception is written with the reason, a compensating control and an expiry date, and accepted by {security}.",
  ],
  "facility-workstation": [
    "Purpose. The rooms and workstations of {clinic} protect ePHI from being seen or taken.",
    "Server and records rooms stay locked; {security} decides who has keys and keeps the list. Visitors are accompanied.",
    "Repairs to doors, locks and walls that protect ePHI are recorded.",
    "Screens face away from waiting areas. Workstations are used for work only and are locked when unattended.",
    "During an emergency, the people named in the contingency plan may enter the building to restore data.",
  ],
  "transmission-security": [
    "Purpose. ePHI that {clinic} sends over a network cannot be read or changed on the way.",
    "E-mail with ePHI outside the practice is sent encrypted. Websites and portals holding ePHI use HTTPS.",
    "Network file sharing uses signing and encryption; outdated protocols (such as SMBv1) stay switched off.",
    "Firewalls stay on and block unneeded incoming connections. Remote access uses a VPN or an encrypted gateway.",
  ],
  "business-associates": [
    "Purpose. Every vendor that handles ePHI for {clinic} is bound by a business associate agreement (BAA).",
    "Before a vendor receives ePHI, the practice signs a BAA with it. {privacy} keeps the signed copy in the compliance portal.",
    "The BAA register lists each vendor, its services, the ePHI it touches and when the BAA was signed and expires. Expiring BAAs are renewed in time.",
    "If a vendor reports a breach, the incident response policy applies.",
  ],
};

/** The text of a policy as adopted by a clinic with its officers on a date. */
export function renderPolicy(
  policyId: string,
  names: { clinic: string; security: string; privacy: string; effective: string },
): { title: string; paragraphs: string[]; sha256: string } {
  const meta = POLICY_LIBRARY.find((p) => p.id === policyId);
  const text = TEXTS[policyId];
  if (!meta || !text) throw new Error(`no policy template "${policyId}"`);
  const fill = (s: string) =>
    s
      .replaceAll("{clinic}", names.clinic)
      .replaceAll("{security}", names.security)
      .replaceAll("{privacy}", names.privacy)
      .replaceAll("{effective}", names.effective);
  const paragraphs = [
    ...text.map(fill),
    `Effective ${names.effective}. Owner: ${names.security}. Reviewed at least yearly.`,
  ];
  return {
    title: meta.title,
    paragraphs,
    sha256: sha256Hex(new TextEncoder().encode(`${meta.title}\n\n${paragraphs.join("\n\n")}`)),
  };
}
