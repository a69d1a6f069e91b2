/**
 * Keys and labels whose whole value is PHI of one kind, wherever they occur: JSON keys (scrubJson),
 * and in text the fields of XML elements, quoted key/value pairs and key=value pairs (fields.ts).
 */
import type { PhiKind } from "./detectors.ts";

// Keys whose whole value is PHI regardless of its shape (compared lowercased, without _ - and spaces).
const KEY_KINDS: ReadonlyMap<string, PhiKind> = new Map([
  ...[
    "patient",
    "patientname",
    "ptname",
    "firstname",
    "lastname",
    "middlename",
    "fullname",
    "givenname",
    "familyname",
    "maidenname",
    "guarantor",
    "guarantorname",
    "subscribername",
    "insuredname",
    "emergencycontact",
    "nextofkin",
    "responsibleparty",
  ].map((k) => [k, "name"] as const),
  ...["ssn", "socialsecuritynumber", "ssnlast4"].map((k) => [k, "ssn"] as const),
  ...["mrn", "medicalrecordnumber", "chartnumber", "patientid", "accountnumber"].map(
    (k) => [k, "mrn"] as const,
  ),
  ...[
    "dob",
    "dateofbirth",
    "birthdate",
    "birthday",
    "admitdate",
    "admissiondate",
    "dischargedate",
    "dateofservice",
    "dos",
    "visitdate",
  ].map((k) => [k, "dob"] as const),
  ...["phone", "phonenumber", "telephone", "mobile", "cell", "fax", "homephone", "workphone"].map(
    (k) => [k, "phone"] as const,
  ),
  ...["email", "emailaddress"].map((k) => [k, "email"] as const),
  ...[
    "address",
    "streetaddress",
    "homeaddress",
    "address1",
    "address2",
    "street",
    "zip",
    "zipcode",
    "postalcode",
    "city",
    "town",
    "county",
  ].map((k) => [k, "address"] as const),
  ...[
    "memberid",
    "subscriberid",
    "policynumber",
    "insuranceid",
    "groupnumber",
    "medicaidid",
    "medicareid",
    "mbi",
  ].map((k) => [k, "member-id"] as const),
  ...[
    "clinicalnotes",
    "patientnotes",
    "diagnosis",
    "chiefcomplaint",
    "hpi",
    "assessment",
    "medications",
    "allergies",
  ].map((k) => [k, "note"] as const),
]);

/** The PHI kind a JSON key implies for its whole value, if any. */
export function kindOfKey(key: string): PhiKind | undefined {
  return KEY_KINDS.get(key.toLowerCase().replace(/[\s_-]/g, ""));
}
