/**
 * OpenTimestamps calendar client (the calendar HTTP protocol): `POST <calendar>/digest` with the
 * raw commitment answers a timestamp tree rooted at it, usually ending in a pending attestation;
 * `GET <calendar>/timestamp/<hex commitment>` later answers the tree completed down to a Bitcoin
 * block header attestation (404 while it is still pending).
 */
import { createHash, randomBytes } from "node:crypto";
import {
  addOp,
  allAttestations,
  deserializeDetached,
  deserializeTimestamp,
  mergeTimestamp,
  newTimestamp,
  type OtsTimestamp,
  serializeDetached,
} from "./ots.ts";

const HEADERS = { accept: "application/vnd.opentimestamps.v1", "user-agent": "malachor-cloud" };

/** A calendar that failed, and why. */
export interface CalendarFailure {
  calendar: string;
  message: string;
}

async function calendarCall(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  return fetch(url, { ...init, headers: HEADERS, signal: AbortSignal.timeout(timeoutMs) });
}

function trimUrl(u: string): string {
  return u.replace(/\/+$/, "");
}

/** Submit a commitment to one calendar; the tree it answers, rooted at the commitment. */
export async function submitToCalendar(
  calendar: string,
  commitment: Uint8Array,
  timeoutMs = 30_000,
): Promise<OtsTimestamp> {
  const res = await calendarCall(
    `${trimUrl(calendar)}/digest`,
    { method: "POST", body: Buffer.from(commitment) },
    timeoutMs,
  );
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`calendar ${calendar}: HTTP ${res.status}`);
  try {
    return deserializeTimestamp(body, commitment);
  } catch (e) {
    throw new Error(`calendar ${calendar}: bad timestamp (${(e as Error).message})`);
  }
}

/** A stamped `.ots` file and the calendars that did not take it. */
export interface OtsStamp {
  ots: Buffer;
  failures: CalendarFailure[];
}

/**
 * Stamp `data` as `ots stamp` does: the file's SHA-256, a random 16-byte nonce appended (so a
 * calendar learns nothing about the file), SHA-256 again, and that commitment submitted to every
 * calendar; their answers are merged under it. Throws when no calendar answered.
 */
export async function stampWithCalendars(
  data: Uint8Array | string,
  calendars: readonly string[],
  timeoutMs = 30_000,
): Promise<OtsStamp> {
  const root = newTimestamp(createHash("sha256").update(data).digest());
  const commitment = addOp(addOp(root, { op: "append", arg: randomBytes(16) }), { op: "sha256" });
  const failures: CalendarFailure[] = [];
  for (const calendar of calendars) {
    try {
      mergeTimestamp(commitment, await submitToCalendar(calendar, commitment.msg, timeoutMs));
    } catch (e) {
      failures.push({ calendar, message: (e as Error).message });
    }
  }
  if (failures.length === calendars.length) {
    throw new Error(
      `OpenTimestamps: no calendar took the commitment (${failures.map((f) => f.message).join("; ")})`,
    );
  }
  return { ots: serializeDetached(root), failures };
}

/** What upgrading a `.ots` file did. */
export interface OtsUpgrade {
  ots: Buffer;
  /** A pending attestation was replaced by a completed one. */
  changed: boolean;
  /** The file now holds at least one Bitcoin block header attestation. */
  complete: boolean;
  failures: CalendarFailure[];
}

function pendingNodes(t: OtsTimestamp): { node: OtsTimestamp; uri: string }[] {
  return [
    ...t.attestations.flatMap((a) => (a.kind === "pending" ? [{ node: t, uri: a.uri }] : [])),
    ...t.ops.flatMap((o) => pendingNodes(o.next)),
  ];
}

/** Whether a tree holds a Bitcoin block header attestation. */
export function hasBitcoinAttestation(t: OtsTimestamp): boolean {
  return allAttestations(t).some((a) => a.attestation.kind === "bitcoin");
}

/**
 * Ask each pending attestation's calendar for the completed tree of its commitment and merge the
 * answer in, dropping that pending attestation once a Bitcoin attestation replaces it. Only the
 * `calendars` configured are asked, whatever URI a file names.
 */
export async function upgradeOts(
  ots: Uint8Array,
  calendars: readonly string[],
  timeoutMs = 30_000,
): Promise<OtsUpgrade> {
  const root = deserializeDetached(ots);
  const allowed = new Set(calendars.map(trimUrl));
  const failures: CalendarFailure[] = [];
  let changed = false;
  for (const { node, uri } of pendingNodes(root)) {
    const calendar = trimUrl(uri);
    if (!allowed.has(calendar)) continue;
    try {
      const hex = Buffer.from(node.msg).toString("hex");
      const res = await calendarCall(`${calendar}/timestamp/${hex}`, { method: "GET" }, timeoutMs);
      const body = new Uint8Array(await res.arrayBuffer());
      if (res.status === 404) continue; // still pending
      if (res.status !== 200) throw new Error(`calendar ${calendar}: HTTP ${res.status}`);
      const upgraded = deserializeTimestamp(body, node.msg);
      if (!hasBitcoinAttestation(upgraded)) continue;
      mergeTimestamp(node, upgraded);
      node.attestations = node.attestations.filter((a) => !(a.kind === "pending" && a.uri === uri));
      changed = true;
    } catch (e) {
      failures.push({ calendar, message: (e as Error).message });
    }
  }
  return { ots: serializeDetached(root), changed, complete: hasBitcoinAttestation(root), failures };
}
