/**
 * OpenTimestamps detached timestamp files (`.ots`), serialized as the OpenTimestamps format
 * defines it: magic header, major version 1, the file hash op (SHA-256), the file digest, then the
 * timestamp tree. Each node lists its attestations and the ops leading to child nodes; every item
 * but the last is prefixed 0xff; an attestation is 0x00, its 8-byte tag and its payload as
 * varbytes. The npm `opentimestamps` package pulls in the deprecated `request` and bitcore-lib,
 * so the format is written here from its specification (serialization only; SHA-256 is node:crypto).
 */
import { createHash } from "node:crypto";

/** An operation from one message to the next. */
export type OtsOp =
  | { op: "sha256" | "sha1" | "ripemd160" | "reverse" | "hexlify" }
  | { op: "append" | "prepend"; arg: Uint8Array };

/** What a node of the tree attests. */
export type OtsAttestation =
  | { kind: "pending"; uri: string }
  | { kind: "bitcoin"; height: number }
  | { kind: "unknown"; tag: string; payload: Uint8Array };

/** A node: the message it stands for, its attestations and its ops to child nodes. */
export interface OtsTimestamp {
  msg: Uint8Array;
  attestations: OtsAttestation[];
  ops: { op: OtsOp; next: OtsTimestamp }[];
}

/** A malformed .ots file or calendar answer. */
export class OtsFormatError extends Error {
  override name = "OtsFormatError";
}

/** The detached file's magic header. */
export const OTS_MAGIC = Buffer.concat([
  Buffer.from("\x00OpenTimestamps\x00\x00Proof\x00", "latin1"),
  Buffer.from("bf89e2e884e89294", "hex"),
]);
const TAG_PENDING = "83dfe30d2ef90c8e";
const TAG_BITCOIN = "0588960d73d71901";
const OP_TAGS: Record<string, number> = {
  sha1: 0x02,
  ripemd160: 0x03,
  sha256: 0x08,
  append: 0xf0,
  prepend: 0xf1,
  reverse: 0xf2,
  hexlify: 0xf3,
};
const OP_BY_TAG = new Map(Object.entries(OP_TAGS).map(([k, t]) => [t, k]));
const MAX_MSG = 4096;
const MAX_PAYLOAD = 8192;
const MAX_URI = 1000;

/** The message an op produces from `msg`. */
export function applyOp(op: OtsOp, msg: Uint8Array): Uint8Array {
  switch (op.op) {
    case "append":
      return Buffer.concat([msg, op.arg]);
    case "prepend":
      return Buffer.concat([op.arg, msg]);
    case "reverse":
      return Buffer.from(msg).reverse();
    case "hexlify":
      return Buffer.from(Buffer.from(msg).toString("hex"), "latin1");
    default:
      return createHash(op.op).update(msg).digest();
  }
}

/** A leaf node with no attestation yet. */
export function newTimestamp(msg: Uint8Array): OtsTimestamp {
  return { msg: Uint8Array.from(msg), attestations: [], ops: [] };
}

/** Add an op below `t` (or return the child already there for the same op). */
export function addOp(t: OtsTimestamp, op: OtsOp): OtsTimestamp {
  const found = t.ops.find((o) => sameOp(o.op, op));
  if (found) return found.next;
  const next = newTimestamp(applyOp(op, t.msg));
  t.ops.push({ op, next });
  return next;
}

function sameOp(a: OtsOp, b: OtsOp): boolean {
  if (a.op !== b.op) return false;
  return !("arg" in a) || Buffer.from(a.arg).equals(Buffer.from((b as { arg: Uint8Array }).arg));
}

function sameAttestation(a: OtsAttestation, b: OtsAttestation): boolean {
  return attestationKey(a) === attestationKey(b);
}

function attestationKey(a: OtsAttestation): string {
  if (a.kind === "pending") return `${TAG_PENDING}:${a.uri}`;
  if (a.kind === "bitcoin") return `${TAG_BITCOIN}:${String(a.height).padStart(10, "0")}`;
  return `${a.tag}:${Buffer.from(a.payload).toString("hex")}`;
}

/** Merge `other` (a tree over the same message) into `t`. */
export function mergeTimestamp(t: OtsTimestamp, other: OtsTimestamp): void {
  if (!Buffer.from(t.msg).equals(Buffer.from(other.msg))) {
    throw new OtsFormatError("cannot merge timestamps of different messages");
  }
  for (const a of other.attestations) {
    if (!t.attestations.some((x) => sameAttestation(x, a))) t.attestations.push(a);
  }
  for (const { op, next } of other.ops) mergeTimestamp(addOp(t, op), next);
}

/** Every attestation in the tree with the message it commits to. */
export function allAttestations(t: OtsTimestamp): { msg: Uint8Array; attestation: OtsAttestation }[] {
  return [
    ...t.attestations.map((attestation) => ({ msg: t.msg, attestation })),
    ...t.ops.flatMap((o) => allAttestations(o.next)),
  ];
}

// ---- serialization ----

class Writer {
  parts: Buffer[] = [];
  bytes(b: Uint8Array | number[]): void {
    this.parts.push(Buffer.from(b));
  }
  varuint(n: number): void {
    const out: number[] = [];
    let v = n;
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v > 0) b |= 0x80;
      out.push(b);
    } while (v > 0);
    this.parts.push(Buffer.from(out));
  }
  varbytes(b: Uint8Array): void {
    this.varuint(b.length);
    this.bytes(b);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new OtsFormatError("truncated");
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  byte(): number {
    return this.bytes(1)[0]!;
  }
  varuint(): number {
    let value = 0;
    let shift = 1;
    for (let i = 0; i < 9; i++) {
      const b = this.byte();
      value += (b & 0x7f) * shift;
      if (!(b & 0x80)) return value;
      shift *= 128;
    }
    throw new OtsFormatError("varuint too long");
  }
  varbytes(max: number, min = 0): Buffer {
    const n = this.varuint();
    if (n > max || n < min) throw new OtsFormatError(`varbytes length ${n} outside ${min}..${max}`);
    return this.bytes(n);
  }
}

function writeAttestation(w: Writer, a: OtsAttestation): void {
  const p = new Writer();
  if (a.kind === "pending") {
    w.bytes(Buffer.from(TAG_PENDING, "hex"));
    p.varbytes(Buffer.from(a.uri, "utf8"));
  } else if (a.kind === "bitcoin") {
    w.bytes(Buffer.from(TAG_BITCOIN, "hex"));
    p.varuint(a.height);
  } else {
    w.bytes(Buffer.from(a.tag, "hex"));
    p.bytes(a.payload);
  }
  w.varbytes(p.done());
}

function writeOp(w: Writer, op: OtsOp): void {
  w.bytes([OP_TAGS[op.op]!]);
  if ("arg" in op) w.varbytes(op.arg);
}

function opKey(op: OtsOp): string {
  return `${OP_TAGS[op.op]!.toString(16).padStart(2, "0")}:${"arg" in op ? Buffer.from(op.arg).toString("hex") : ""}`;
}

function writeTimestamp(w: Writer, t: OtsTimestamp): void {
  if (t.attestations.length === 0 && t.ops.length === 0) {
    throw new OtsFormatError("an empty timestamp cannot be serialized");
  }
  // Items in the reference implementation's order: attestations, then ops, each sorted.
  const atts = [...t.attestations].sort((a, b) => (attestationKey(a) < attestationKey(b) ? -1 : 1));
  const ops = [...t.ops].sort((a, b) => (opKey(a.op) < opKey(b.op) ? -1 : 1));
  const items: (() => void)[] = [
    ...atts.map((a) => () => {
      w.bytes([0x00]);
      writeAttestation(w, a);
    }),
    ...ops.map((o) => () => {
      writeOp(w, o.op);
      writeTimestamp(w, o.next);
    }),
  ];
  items.forEach((item, i) => {
    if (i < items.length - 1) w.bytes([0xff]);
    item();
  });
}

function readAttestation(r: Reader): OtsAttestation {
  const tag = r.bytes(8).toString("hex");
  const payload = r.varbytes(MAX_PAYLOAD);
  const p = new Reader(payload);
  if (tag === TAG_PENDING) {
    const uri = p.varbytes(MAX_URI).toString("utf8");
    if (!/^[A-Za-z0-9.\-_/:]+$/.test(uri))
      throw new OtsFormatError(`pending attestation URI has bad characters`);
    return { kind: "pending", uri };
  }
  if (tag === TAG_BITCOIN) return { kind: "bitcoin", height: p.varuint() };
  return { kind: "unknown", tag, payload: Uint8Array.from(payload) };
}

function readOp(r: Reader, tag: number): OtsOp {
  const name = OP_BY_TAG.get(tag);
  if (!name) throw new OtsFormatError(`unknown op tag 0x${tag.toString(16)}`);
  if (name === "append" || name === "prepend")
    return { op: name, arg: Uint8Array.from(r.varbytes(MAX_MSG, 1)) };
  return { op: name as "sha256" };
}

function readTimestamp(r: Reader, msg: Uint8Array, depth: number): OtsTimestamp {
  if (depth > 256) throw new OtsFormatError("timestamp nested too deeply");
  const t = newTimestamp(msg);
  const item = (tag: number) => {
    if (tag === 0x00) {
      t.attestations.push(readAttestation(r));
      return;
    }
    const op = readOp(r, tag);
    const next = applyOp(op, msg);
    if (next.length > MAX_MSG) throw new OtsFormatError("message grew past 4096 bytes");
    t.ops.push({ op, next: readTimestamp(r, next, depth + 1) });
  };
  let tag = r.byte();
  while (tag === 0xff) {
    item(r.byte());
    tag = r.byte();
  }
  item(tag);
  return t;
}

/** Serialize a timestamp tree alone (what a calendar answers, rooted at the submitted digest). */
export function serializeTimestamp(t: OtsTimestamp): Buffer {
  const w = new Writer();
  writeTimestamp(w, t);
  return w.done();
}

/** Parse a calendar's answer: the tree rooted at `msg`, the whole input consumed. */
export function deserializeTimestamp(bytes: Uint8Array, msg: Uint8Array): OtsTimestamp {
  const r = new Reader(Buffer.from(bytes));
  const t = readTimestamp(r, msg, 0);
  if (r.pos !== r.buf.length) throw new OtsFormatError("trailing bytes after the timestamp");
  return t;
}

/** A detached `.ots` file for a SHA-256 file digest. */
export function serializeDetached(t: OtsTimestamp): Buffer {
  if (t.msg.length !== 32) throw new OtsFormatError("a SHA-256 file digest is 32 bytes");
  const w = new Writer();
  w.bytes(OTS_MAGIC);
  w.varuint(1);
  w.bytes([OP_TAGS.sha256!]);
  w.bytes(t.msg);
  writeTimestamp(w, t);
  return w.done();
}

/** Parse a detached `.ots` file (SHA-256 file hash only). */
export function deserializeDetached(bytes: Uint8Array): OtsTimestamp {
  const r = new Reader(Buffer.from(bytes));
  if (!r.bytes(OTS_MAGIC.length).equals(OTS_MAGIC)) throw new OtsFormatError("not an OpenTimestamps proof");
  const version = r.varuint();
  if (version !== 1) throw new OtsFormatError(`unsupported .ots major version ${version}`);
  const hashOp = r.byte();
  if (hashOp !== OP_TAGS.sha256)
    throw new OtsFormatError(`file hash op 0x${hashOp.toString(16)} is not SHA-256`);
  const t = readTimestamp(r, Uint8Array.from(r.bytes(32)), 0);
  if (r.pos !== r.buf.length) throw new OtsFormatError("trailing bytes after the timestamp");
  return t;
}
