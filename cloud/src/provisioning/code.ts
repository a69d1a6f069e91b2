import { randomInt } from "node:crypto";

// No 0/O, 1/I: a technician may read the code aloud or type it.
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A one-time enroll code shaped ABCD-EFGH-JKLM-NPQR (80 bits). */
export function newEnrollCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = "";
    for (let i = 0; i < 4; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(s);
  }
  return groups.join("-");
}
