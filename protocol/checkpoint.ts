import { createHash } from "node:crypto";
import { sign, verify } from "./sign.ts";

/**
 * C2SP tlog-checkpoint bodies inside C2SP signed notes (Ed25519), the form Go's
 * golang.org/x/mod/sumdb/note and every tlog witness read:
 *
 *     <origin>\n<tree size>\n<base64 root hash>\n[extension lines]\n
 *     — <key name> <base64(4-byte key hash ‖ 64-byte signature)>\n
 *
 * The signature covers the body (every byte before the blank line, final newline included); the key
 * hash is the first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key).
 */

/** A checkpoint's content. */
export interface Checkpoint {
  origin: string;
  size: number;
  /** Root hash, lowercase hex. */
  root: string;
  extensions: string[];
}

/** Thrown for a note or checkpoint that is malformed or whose signature does not verify. */
export class NoteError extends Error {
  override name = "NoteError";
}

const ED25519 = 0x01;
const SIG_PREFIX = "\u2014 ";

function keyHash(name: string, publicKeyHex: string): Buffer {
  return createHash("sha256")
    .update(`${name}\n`)
    .update(Buffer.from([ED25519]))
    .update(Buffer.from(publicKeyHex, "hex"))
    .digest()
    .subarray(0, 4);
}

function checkName(name: string): void {
  if (name.length === 0 || /[\s+]/.test(name))
    throw new NoteError(`key name "${name}" is empty or has a space or +`);
}

/** The verifier key an auditor pins: `<name>+<hex key hash>+<base64(0x01 ‖ public key)>`. */
export function noteVerifierKey(name: string, publicKeyHex: string): string {
  checkName(name);
  const key = Buffer.concat([Buffer.from([ED25519]), Buffer.from(publicKeyHex, "hex")]).toString("base64");
  return `${name}+${keyHash(name, publicKeyHex).toString("hex")}+${key}`;
}

/** The key a verifier key names, checked: its key hash must be the one its name and key give. */
export function parseVerifierKey(vkey: string): NoteKey {
  const [name, hash, ...rest] = vkey.trim().split("+");
  const raw = Buffer.from(rest.join("+"), "base64");
  if (!name || !hash || raw.length !== 33 || raw[0] !== ED25519) {
    throw new NoteError(`"${vkey.slice(0, 60)}" is not an Ed25519 note verifier key (name+hash+base64 key)`);
  }
  const publicKey = raw.subarray(1).toString("hex");
  if (keyHash(name, publicKey).toString("hex") !== hash) {
    throw new NoteError(`verifier key ${name}: its hash ${hash} does not match its name and key`);
  }
  return { name, publicKey };
}

/** A checkpoint's body text. */
export function formatCheckpoint(cp: Checkpoint): string {
  if (cp.origin.length === 0 || cp.origin.includes("\n"))
    throw new NoteError("the origin must be one non-empty line");
  if (!/^[0-9a-f]{64}$/.test(cp.root)) throw new NoteError("the root must be 64 hex characters");
  for (const e of cp.extensions) {
    if (e.length === 0 || e.includes("\n")) throw new NoteError("an extension must be one non-empty line");
  }
  const lines = [
    cp.origin,
    String(cp.size),
    Buffer.from(cp.root, "hex").toString("base64"),
    ...cp.extensions,
  ];
  return `${lines.join("\n")}\n`;
}

/** Parse a checkpoint body (strict: decimal size without leading zeros, a 32-byte root). */
export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith("\n")) throw new NoteError("a checkpoint ends with a newline");
  const lines = body.slice(0, -1).split("\n");
  const [origin, size, root, ...extensions] = lines;
  if (!origin || size === undefined || root === undefined)
    throw new NoteError("a checkpoint has at least 3 lines");
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size))) {
    throw new NoteError(`tree size "${size}" is not a decimal number`);
  }
  const rootBytes = Buffer.from(root, "base64");
  if (rootBytes.length !== 32 || rootBytes.toString("base64") !== root) {
    throw new NoteError("the root hash line is not the base64 of 32 bytes");
  }
  if (extensions.some((e) => e.length === 0)) throw new NoteError("a checkpoint has no empty lines");
  return { origin, size: Number(size), root: rootBytes.toString("hex"), extensions };
}

/** Sign a note body with an Ed25519 key named `name`. */
export function signNote(body: string, name: string, secretKeyHex: string, publicKeyHex: string): string {
  checkName(name);
  if (!body.endsWith("\n") || body.includes("\n\n"))
    throw new NoteError("a note body ends with one newline and has no blank line");
  const sig = Buffer.from(sign(Buffer.from(body, "utf8"), secretKeyHex), "hex");
  const line = `${SIG_PREFIX}${name} ${Buffer.concat([keyHash(name, publicKeyHex), sig]).toString("base64")}\n`;
  return `${body}\n${line}`;
}

/** A key a note may be signed by. */
export interface NoteKey {
  name: string;
  publicKey: string;
}

/**
 * The body of a note signed by one of `keys`; throws naming what is wrong (no signature by a known
 * key, a signature that does not verify, a malformed note). Lines signed by unknown keys are ignored,
 * as the format asks, so a witness's cosignature does not break verification.
 */
export function openNote(note: string, keys: NoteKey[]): { body: string; signedBy: NoteKey } {
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw new NoteError("no blank line between the note's text and its signatures");
  const body = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2);
  if (!sigLines.endsWith("\n")) throw new NoteError("the note's signature block does not end with a newline");
  let found: NoteKey | null = null;
  for (const line of sigLines.slice(0, -1).split("\n")) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) throw new NoteError(`malformed signature line: ${line.slice(0, 80)}`);
    const raw = Buffer.from(m[2]!, "base64");
    for (const k of keys) {
      if (k.name !== m[1] || raw.length !== 68 || !raw.subarray(0, 4).equals(keyHash(k.name, k.publicKey)))
        continue;
      if (!verify(Buffer.from(body, "utf8"), raw.subarray(4).toString("hex"), k.publicKey)) {
        throw new NoteError(`the signature by ${k.name} does not verify: the note was altered or forged`);
      }
      found = k;
    }
  }
  if (!found)
    throw new NoteError(
      `the note carries no signature by ${keys.map((k) => k.name).join(" or ") || "a known key"}`,
    );
  return { body, signedBy: found };
}
