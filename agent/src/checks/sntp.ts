/**
 * SNTP (RFC 4330) client over an injected Host: one request per server, offset and round-trip
 * delay from the four timestamps. Used by linux.time-sync to confirm the clock independently of
 * the local time daemon's own opinion.
 */
import type { Host } from "./host.ts";

// Seconds between the NTP epoch (1900) and the Unix epoch (1970).
const NTP_UNIX_DELTA = 2_208_988_800;
const TWO_32 = 2 ** 32;

/** One server's answer. */
export interface SntpSample {
  server: string;
  offsetMs: number;
  delayMs: number;
  stratum: number;
}

/** A server name or address with an optional port: "pool.ntp.org", "127.0.0.1:1123", "[::1]:123". */
export function parseServer(spec: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : 123 };
  const m = /^([^:]+)(?::(\d+))?$/.exec(spec);
  if (m) return { host: m[1]!, port: m[2] ? Number(m[2]) : 123 };
  return { host: spec, port: 123 }; // a bare IPv6 address
}

/** Write Unix milliseconds as a 64-bit NTP timestamp at `at`. */
export function writeNtpTime(view: DataView, at: number, unixMs: number): void {
  const secs = Math.floor(unixMs / 1000);
  const frac = Math.round(((unixMs - secs * 1000) / 1000) * TWO_32);
  view.setUint32(at, (secs + NTP_UNIX_DELTA) % TWO_32);
  view.setUint32(at + 4, Math.min(frac, TWO_32 - 1));
}

/** Read a 64-bit NTP timestamp as Unix milliseconds (era 1, after 2036, is handled). */
export function readNtpTime(view: DataView, at: number): number {
  let secs = view.getUint32(at);
  if (secs < 2 ** 31) secs += TWO_32; // era 1 starts in February 2036
  return (secs - NTP_UNIX_DELTA) * 1000 + (view.getUint32(at + 4) / TWO_32) * 1000;
}

/** A 48-byte client request (version 4, mode 3) carrying `t1` as its transmit timestamp. */
export function buildRequest(t1: number): Uint8Array {
  const buf = new Uint8Array(48);
  const view = new DataView(buf.buffer);
  view.setUint8(0, (0 << 6) | (4 << 3) | 3);
  writeNtpTime(view, 40, t1);
  return buf;
}

/** Offset and delay from a server reply; throws on anything a careful client must refuse. */
export function parseReply(request: Uint8Array, reply: Uint8Array, t4: number): Omit<SntpSample, "server"> {
  if (reply.length < 48) throw new Error(`short reply (${reply.length} bytes)`);
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  const li = reply[0]! >> 6;
  const mode = reply[0]! & 7;
  const stratum = reply[1]!;
  if (mode !== 4) throw new Error(`not a server reply (mode ${mode})`);
  if (stratum === 0) {
    const code = String.fromCharCode(...reply.subarray(12, 16)).replace(/\0/g, "");
    throw new Error(`kiss-of-death "${code}"`);
  }
  if (li === 3) throw new Error("server clock not synchronized (leap indicator 3)");
  // The originate timestamp must echo our transmit timestamp byte for byte (anti-spoofing).
  for (let i = 0; i < 8; i++) {
    if (reply[24 + i] !== request[40 + i]) throw new Error("reply does not answer our request");
  }
  const t1 = readNtpTime(view, 24);
  const t2 = readNtpTime(view, 32);
  const t3 = readNtpTime(view, 40);
  return { offsetMs: (t2 - t1 + (t3 - t4)) / 2, delayMs: t4 - t1 - (t3 - t2), stratum };
}

/** Ask one server. */
export async function querySntp(host: Host, server: string, timeoutMs: number): Promise<SntpSample> {
  const { host: name, port } = parseServer(server);
  const request = buildRequest(host.now());
  const { reply, receivedAt } = await host.udpRequest(name, port, request, timeoutMs);
  return { server, ...parseReply(request, reply, receivedAt) };
}
