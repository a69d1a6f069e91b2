/**
 * NTLMv2 (MS-NLMP) message encoding and key derivation. Pure functions over bytes: the client
 * transport and the test server both build on them. Only the NTLMv2 + extended session security
 * path is implemented — LM and NTLMv1 are refused on both sides.
 */
import { createCipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const FLAGS = {
  UNICODE: 0x1,
  OEM: 0x2,
  REQUEST_TARGET: 0x4,
  SIGN: 0x10,
  SEAL: 0x20,
  NTLM: 0x200,
  ALWAYS_SIGN: 0x8000,
  TARGET_TYPE_DOMAIN: 0x10000,
  EXTENDED_SESSIONSECURITY: 0x80000,
  TARGET_INFO: 0x800000,
  VERSION: 0x2000000,
  N128: 0x20000000,
  KEY_EXCH: 0x40000000,
  N56: 0x80000000,
} as const;

/** Flags our client asks for: NTLMv2 with 128-bit sealing and a random exchanged session key. */
export const CLIENT_FLAGS =
  (FLAGS.UNICODE |
    FLAGS.REQUEST_TARGET |
    FLAGS.SIGN |
    FLAGS.SEAL |
    FLAGS.NTLM |
    FLAGS.ALWAYS_SIGN |
    FLAGS.EXTENDED_SESSIONSECURITY |
    FLAGS.TARGET_INFO |
    FLAGS.VERSION |
    FLAGS.N128 |
    FLAGS.KEY_EXCH |
    FLAGS.N56) >>>
  0;

export const AV = {
  EOL: 0,
  NB_COMPUTER: 1,
  NB_DOMAIN: 2,
  DNS_COMPUTER: 3,
  DNS_DOMAIN: 4,
  FLAGS: 6,
  TIMESTAMP: 7,
} as const;

const SIGNATURE = Buffer.from("NTLMSSP\0", "latin1");
// Windows 10 build 19041, NTLM revision 15: what modern clients and servers advertise.
const VERSION = Buffer.from([10, 0, 0x61, 0x4a, 0, 0, 0, 0x0f]);

/** Thrown when a peer's NTLM message is malformed or uses an unsupported variant. */
export class NtlmError extends Error {
  override name = "NtlmError";
}

export const utf16 = (s: string): Buffer => Buffer.from(s, "utf16le");
export const md4 = (b: Buffer): Buffer => createHash("md4").update(b).digest();
export const md5 = (b: Buffer): Buffer => createHash("md5").update(b).digest();
export const hmacMd5 = (key: Buffer, ...parts: Buffer[]): Buffer => {
  const h = createHmac("md5", key);
  for (const p of parts) h.update(p);
  return h.digest();
};
/** One-shot RC4. */
export const rc4 = (key: Buffer, data: Buffer): Buffer => createCipheriv("rc4", key, null).update(data);

/** NTOWFv2: HMAC-MD5 keyed by MD4(password) over UPPER(user) + domain, all UTF-16LE. */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(md4(utf16(password)), utf16(user.toUpperCase() + domain));
}

/** The NTLMv2 client blob ("temp", MS-NLMP 3.3.2): version, timestamp, client challenge, target info. */
export function ntlmv2Temp(timestamp: Buffer, clientChallenge: Buffer, targetInfo: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    timestamp,
    clientChallenge,
    Buffer.alloc(4),
    targetInfo,
    Buffer.alloc(4),
  ]);
}

/** NTProofStr and SessionBaseKey (MS-NLMP 3.3.2) from NTOWFv2, the server challenge and the blob. */
export function ntlmv2Proof(
  responseKey: Buffer,
  serverChallenge: Buffer,
  temp: Buffer,
): { proof: Buffer; sessionBaseKey: Buffer } {
  const proof = hmacMd5(responseKey, serverChallenge, temp);
  return { proof, sessionBaseKey: hmacMd5(responseKey, proof) };
}

/** Windows FILETIME (100 ns ticks since 1601) for a JS time in ms. */
export function fileTime(ms: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE((BigInt(ms) + 11644473600000n) * 10000n);
  return b;
}

function field(msg: Buffer, at: number): Buffer {
  if (msg.length < at + 8) throw new NtlmError("truncated NTLM message");
  const len = msg.readUInt16LE(at);
  const off = msg.readUInt32LE(at + 4);
  if (off + len > msg.length) throw new NtlmError("NTLM field points past the end of the message");
  return msg.subarray(off, off + len);
}

function checkHeader(msg: Buffer, type: number): void {
  if (msg.length < 12 || !msg.subarray(0, 8).equals(SIGNATURE) || msg.readUInt32LE(8) !== type) {
    throw new NtlmError(`not an NTLM type ${type} message`);
  }
}

/** Lay out fixed header + (len, maxlen, offset) descriptors followed by the payloads. */
function assemble(head: Buffer, descAt: number[], payloads: Buffer[]): Buffer {
  let offset = head.length;
  descAt.forEach((at, i) => {
    const p = payloads[i] as Buffer;
    head.writeUInt16LE(p.length, at);
    head.writeUInt16LE(p.length, at + 2);
    head.writeUInt32LE(offset, at + 4);
    offset += p.length;
  });
  return Buffer.concat([head, ...payloads]);
}

/** Type 1: NEGOTIATE. */
export function negotiateMessage(flags = CLIENT_FLAGS): Buffer {
  const head = Buffer.alloc(40);
  SIGNATURE.copy(head);
  head.writeUInt32LE(1, 8);
  head.writeUInt32LE(flags >>> 0, 12);
  VERSION.copy(head, 32);
  return assemble(head, [16, 24], [Buffer.alloc(0), Buffer.alloc(0)]);
}

export interface Negotiate {
  flags: number;
}
export function parseNegotiate(msg: Buffer): Negotiate {
  checkHeader(msg, 1);
  if (msg.length < 16) throw new NtlmError("truncated NTLM negotiate message");
  return { flags: msg.readUInt32LE(12) };
}

/** AV pairs (MS-NLMP 2.2.2.1) as an ordered list. */
export type AvPair = { id: number; value: Buffer };
export function encodeAvPairs(pairs: AvPair[]): Buffer {
  const parts: Buffer[] = [];
  for (const p of pairs.filter((x) => x.id !== AV.EOL)) {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(p.id, 0);
    h.writeUInt16LE(p.value.length, 2);
    parts.push(h, p.value);
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}
export function decodeAvPairs(b: Buffer): AvPair[] {
  const out: AvPair[] = [];
  let i = 0;
  while (i + 4 <= b.length) {
    const id = b.readUInt16LE(i);
    const len = b.readUInt16LE(i + 2);
    if (id === AV.EOL) return out;
    if (i + 4 + len > b.length) throw new NtlmError("AV pair runs past the target info");
    out.push({ id, value: b.subarray(i + 4, i + 4 + len) });
    i += 4 + len;
  }
  throw new NtlmError("target info lacks MsvAvEOL");
}

export interface Challenge {
  flags: number;
  serverChallenge: Buffer;
  targetName: string;
  targetInfo: Buffer;
}

/** Strings in NTLM messages are UTF-16LE when UNICODE was negotiated, else the OEM code page. */
const text = (flags: number) => (flags & FLAGS.UNICODE ? "utf16le" : "latin1");

/** Flags a server answers a NEGOTIATE with: ours, preferring UNICODE over OEM when both are offered. */
export function serverFlags(requested: number): number {
  let f = requested & (CLIENT_FLAGS | FLAGS.OEM);
  if (f & FLAGS.UNICODE) f &= ~FLAGS.OEM;
  return (f | FLAGS.TARGET_INFO | FLAGS.TARGET_TYPE_DOMAIN) >>> 0;
}

/** Type 2: CHALLENGE (built by the server). */
export function challengeMessage(c: Challenge): Buffer {
  const head = Buffer.alloc(56);
  SIGNATURE.copy(head);
  head.writeUInt32LE(2, 8);
  head.writeUInt32LE(c.flags >>> 0, 20);
  c.serverChallenge.copy(head, 24);
  VERSION.copy(head, 48);
  return assemble(head, [12, 40], [Buffer.from(c.targetName, text(c.flags)), c.targetInfo]);
}
export function parseChallenge(msg: Buffer): Challenge {
  checkHeader(msg, 2);
  if (msg.length < 48) throw new NtlmError("truncated NTLM challenge message");
  const flags = msg.readUInt32LE(20);
  if (!(flags & FLAGS.TARGET_INFO))
    throw new NtlmError("server challenge carries no target info (NTLMv1 only?)");
  return {
    flags,
    serverChallenge: Buffer.from(msg.subarray(24, 32)),
    targetName: field(msg, 12).toString(text(flags)),
    targetInfo: Buffer.from(field(msg, 40)),
  };
}

export interface Authenticate {
  flags: number;
  lmResponse: Buffer;
  ntResponse: Buffer;
  domain: string;
  user: string;
  workstation: string;
  encryptedSessionKey: Buffer;
  mic: Buffer;
}

const MIC_AT = 72;

/** Type 3: AUTHENTICATE, with a zeroed MIC slot the caller fills in. */
export function authenticateMessage(a: Omit<Authenticate, "mic">): Buffer {
  const head = Buffer.alloc(88);
  SIGNATURE.copy(head);
  head.writeUInt32LE(3, 8);
  head.writeUInt32LE(a.flags >>> 0, 60);
  VERSION.copy(head, 64);
  return assemble(
    head,
    [12, 20, 28, 36, 44, 52],
    [
      a.lmResponse,
      a.ntResponse,
      Buffer.from(a.domain, text(a.flags)),
      Buffer.from(a.user, text(a.flags)),
      Buffer.from(a.workstation, text(a.flags)),
      a.encryptedSessionKey,
    ],
  );
}
export function parseAuthenticate(msg: Buffer): Authenticate {
  checkHeader(msg, 3);
  if (msg.length < 88) throw new NtlmError("truncated NTLM authenticate message");
  const flags = msg.readUInt32LE(60);
  return {
    lmResponse: field(msg, 12),
    ntResponse: field(msg, 20),
    domain: field(msg, 28).toString(text(flags)),
    user: field(msg, 36).toString(text(flags)),
    workstation: field(msg, 44).toString(text(flags)),
    encryptedSessionKey: field(msg, 52),
    flags,
    mic: Buffer.from(msg.subarray(MIC_AT, MIC_AT + 16)),
  };
}

/** MIC over the three handshake messages (MS-NLMP 3.1.5.1.2), computed with the MIC slot zeroed. */
export function computeMic(
  sessionKey: Buffer,
  negotiate: Buffer,
  challenge: Buffer,
  authenticate: Buffer,
): Buffer {
  const zeroed = Buffer.from(authenticate);
  zeroed.fill(0, MIC_AT, MIC_AT + 16);
  return hmacMd5(sessionKey, negotiate, challenge, zeroed);
}

/** Result of the client's side of the handshake. */
export interface ClientAuth {
  message: Buffer;
  exportedSessionKey: Buffer;
  flags: number;
}

/**
 * Build the AUTHENTICATE message answering a CHALLENGE: NTLMv2 response over the server's target
 * info (plus MsvAvFlags=MIC present), random exported session key sent RC4-encrypted, MIC over
 * all three messages.
 */
export function respondToChallenge(opts: {
  negotiate: Buffer;
  challenge: Buffer;
  user: string;
  domain: string;
  password: string;
  workstation?: string;
  now?: number;
  clientChallenge?: Buffer;
  exportedSessionKey?: Buffer;
}): ClientAuth {
  const ch = parseChallenge(opts.challenge);
  const pairs = decodeAvPairs(ch.targetInfo);
  const ts = pairs.find((p) => p.id === AV.TIMESTAMP)?.value ?? fileTime(opts.now ?? Date.now());
  const avFlags = Buffer.alloc(4);
  const existing = pairs.find((p) => p.id === AV.FLAGS);
  avFlags.writeUInt32LE(((existing ? existing.value.readUInt32LE(0) : 0) | 0x2) >>> 0);
  const info = encodeAvPairs([...pairs.filter((p) => p.id !== AV.FLAGS), { id: AV.FLAGS, value: avFlags }]);
  const temp = ntlmv2Temp(ts, opts.clientChallenge ?? randomBytes(8), info);
  const key = ntowfv2(opts.password, opts.user, opts.domain);
  const { proof, sessionBaseKey } = ntlmv2Proof(key, ch.serverChallenge, temp);
  const flags = (ch.flags & CLIENT_FLAGS) >>> 0;
  if (!(flags & FLAGS.EXTENDED_SESSIONSECURITY) || !(flags & FLAGS.SEAL)) {
    throw new NtlmError("server refused NTLMv2 session security with sealing");
  }
  const exported = flags & FLAGS.KEY_EXCH ? (opts.exportedSessionKey ?? randomBytes(16)) : sessionBaseKey;
  const message = authenticateMessage({
    flags,
    // With a server timestamp present the LMv2 response is sent as zeros (MS-NLMP 3.1.5.1.2).
    lmResponse: Buffer.alloc(24),
    ntResponse: Buffer.concat([proof, temp]),
    domain: opts.domain,
    user: opts.user,
    workstation: opts.workstation ?? "MALACHOR",
    encryptedSessionKey: flags & FLAGS.KEY_EXCH ? rc4(sessionBaseKey, exported) : Buffer.alloc(0),
  });
  computeMic(exported, opts.negotiate, opts.challenge, message).copy(message, MIC_AT);
  return { message, exportedSessionKey: exported, flags };
}

/** Server side: verify an AUTHENTICATE against the expected user's password; returns the session key. */
export function verifyAuthenticate(opts: {
  negotiate: Buffer;
  challenge: Buffer;
  serverChallenge: Buffer;
  authenticate: Buffer;
  password: string;
}):
  | { ok: true; auth: Authenticate; exportedSessionKey: Buffer }
  | { ok: false; auth: Authenticate; reason: string } {
  const auth = parseAuthenticate(opts.authenticate);
  if (auth.ntResponse.length <= 24) return { ok: false, auth, reason: "NTLMv1 response refused" };
  const proof = auth.ntResponse.subarray(0, 16);
  const temp = auth.ntResponse.subarray(16);
  const key = ntowfv2(opts.password, auth.user, auth.domain);
  const { proof: expected, sessionBaseKey } = ntlmv2Proof(key, opts.serverChallenge, temp);
  if (!timingSafeEqual(expected, proof)) return { ok: false, auth, reason: "NTLMv2 response does not match" };
  const exported =
    auth.flags & FLAGS.KEY_EXCH && auth.encryptedSessionKey.length === 16
      ? rc4(sessionBaseKey, auth.encryptedSessionKey)
      : sessionBaseKey;
  const info = decodeAvPairs(temp.subarray(28));
  const avFlags = info.find((p) => p.id === AV.FLAGS)?.value.readUInt32LE(0) ?? 0;
  if (avFlags & 0x2) {
    const mic = computeMic(exported, opts.negotiate, opts.challenge, opts.authenticate);
    if (!timingSafeEqual(mic, auth.mic)) return { ok: false, auth, reason: "MIC does not match" };
  }
  return { ok: true, auth, exportedSessionKey: exported };
}
