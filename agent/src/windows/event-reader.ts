/**
 * Reading Windows event logs from a per-host bookmark (the last record id read per log), kept in
 * the agent's SQLite state DB: each batch's events and the bookmark that passes them are written
 * in one transaction, and events are keyed by (host, log, record id), so no event is read twice or
 * skipped across restarts, reboots and kill -9. A log whose oldest record is past the bookmark has
 * wrapped (events were overwritten unread: reported); one whose newest record is below the
 * bookmark was cleared (ids start again: read from 0).
 */
import type { Database } from "bun:sqlite";
import * as v from "valibot";
import type { RunbookExecutor } from "../runbooks/executor.ts";
import { excerpt } from "../runbooks/output.ts";

/** The logs and event ids the threat rules read (Windows PowerShell 5.1 `Get-WinEvent -FilterXPath`). */
export const WATCHED_LOGS: Readonly<Record<string, readonly number[]>> = {
  Security: [1102, 4625, 4688, 4720, 4728, 4732, 4740, 4756],
  System: [104, 7040],
  "Microsoft-Windows-Windows Defender/Operational": [1116, 1117],
};

/** One event as stored: EventData values in schema order. */
export interface StoredEvent {
  host: string;
  log: string;
  recordId: number;
  eventId: number;
  /** Epoch ms of TimeCreated. */
  at: number;
  data: string[];
}

/** What one read of one host brought. */
export interface ReadReport {
  /** Events new to the store (never one already stored). */
  events: StoredEvent[];
  /** Logs that wrapped past the bookmark: how many records were lost unread. */
  wrapped: { log: string; lost: number }[];
  /** Logs found cleared (ids started again). */
  reset: string[];
}

// One line per log: its range and the batch after the bookmark. EventData values arrive as
// strings ([string[]] in the script: SIDs, GUIDs and numbers as Windows prints them).
const LogBatch = v.object({
  log: v.string(),
  oldest: v.nullable(v.number()),
  newest: v.nullable(v.number()),
  from: v.number(),
  events: v.array(v.object({ r: v.number(), id: v.number(), t: v.string(), d: v.array(v.string()) })),
});
type LogBatch = v.InferOutput<typeof LogBatch>;

const psq = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The PowerShell that reads each log after its bookmark (-1: not read yet, start at the newest).
 * Per event it only gathers fields; one ConvertTo-Json per log writes the batch, and the per-log
 * logic is written once so the script fits one command line (no upload in pieces).
 */
export function eventReadScript(bookmarks: Record<string, number>, maxEvents: number): string {
  const logs = Object.entries(WATCHED_LOGS).map(
    ([log, ids]) =>
      `@{ l = ${psq(log)}; x = '${ids.map((i) => `EventID=${i}`).join(" or ")}'; f = ${Math.trunc(bookmarks[log] ?? -1)} }`,
  );
  return [
    "$ErrorActionPreference = 'Stop'",
    `foreach ($q in @(${logs.join(", ")})) {`,
    "  $newest = Get-WinEvent -LogName $q.l -MaxEvents 1 -ErrorAction SilentlyContinue",
    "  $oldest = Get-WinEvent -LogName $q.l -MaxEvents 1 -Oldest -ErrorAction SilentlyContinue",
    "  $from = $q.f",
    "  if ($from -lt 0) { $from = $(if ($null -eq $newest) { 0 } else { $newest.RecordId }) }",
    "  elseif ($null -ne $newest -and $newest.RecordId -lt $from) { $from = 0 }",
    `  $batch = @(Get-WinEvent -LogName $q.l -FilterXPath "*[System[($($q.x)) and EventRecordID>$from]]" -MaxEvents ${Math.trunc(maxEvents)} -Oldest -ErrorAction SilentlyContinue | ForEach-Object { [ordered]@{ r = $_.RecordId; id = $_.Id; t = $_.TimeCreated.ToUniversalTime().ToString('o'); d = [string[]]@($_.Properties.Value) } })`,
    "  Write-Output ('##evt## ' + (ConvertTo-Json -Compress -Depth 4 ([ordered]@{ log = $q.l; oldest = $oldest.RecordId; newest = $newest.RecordId; from = $from; events = $batch })))",
    "}",
  ].join("\n");
}

/** The bookmarks of one host (log → last record id read). */
export function readBookmarks(db: Database, host: string): Record<string, number> {
  const rows = db
    .query<{ log: string; record_id: number }, [string]>(
      "SELECT log, record_id FROM winevt_bookmark WHERE host = ?",
    )
    .all(host);
  return Object.fromEntries(rows.map((r) => [r.log, r.record_id]));
}

/** A read that could not be understood. */
export class EventReadError extends Error {
  override name = "EventReadError";
}

/**
 * Read one batch per log from a host and store it. Returns what was new; `more` is true when a log
 * gave a full batch (call again to drain).
 */
export async function readEventsOnce(
  db: Database,
  executor: RunbookExecutor,
  opts: { maxEvents?: number; timeoutMs?: number } = {},
): Promise<ReadReport & { more: boolean }> {
  const host = executor.host;
  const max = opts.maxEvents ?? 1000;
  const marks = readBookmarks(db, host);
  const run = await executor.run(eventReadScript(marks, max), { params: {} }, opts.timeoutMs ?? 60_000);
  if (run.exitCode !== 0)
    throw new EventReadError(`event read on ${executor.host} exited ${run.exitCode}: ${excerpt(run.stderr)}`);
  const batches = new Map<string, LogBatch>();
  for (const raw of run.stdout.split(/\r?\n/)) {
    if (!raw.startsWith("##evt## ")) continue;
    const parsed = v.safeParse(LogBatch, JSON.parse(raw.slice(8)) as unknown);
    if (!parsed.success)
      throw new EventReadError(
        `event read on ${executor.host}: unexpected batch (${v.summarize(parsed.issues).slice(0, 200)})`,
      );
    if (parsed.output.log in WATCHED_LOGS) batches.set(parsed.output.log, parsed.output);
  }
  const report: ReadReport & { more: boolean } = { events: [], wrapped: [], reset: [], more: false };
  const insert = db.query(
    "INSERT OR IGNORE INTO winevt_event (host, log, record_id, event_id, at, data, reported) VALUES (?, ?, ?, ?, ?, ?, 0)",
  );
  const gap = db.query("INSERT INTO winevt_gap (host, log, lost, reset) VALUES (?, ?, ?, ?)");
  const mark = db.query(
    `INSERT INTO winevt_bookmark (host, log, record_id) VALUES (?, ?, ?)
     ON CONFLICT(host, log) DO UPDATE SET record_id = excluded.record_id`,
  );
  db.transaction(() => {
    for (const log of Object.keys(WATCHED_LOGS)) {
      const range = batches.get(log);
      if (!range) throw new EventReadError(`event read on ${executor.host}: no batch line for ${log}`);
      const before = marks[log];
      if (before !== undefined && range.from < before) {
        report.reset.push(log);
        gap.run(host, log, null, 1);
      }
      // Records between the bookmark and the oldest still in the log were overwritten unread.
      if (
        before !== undefined &&
        range.from === before &&
        range.oldest !== null &&
        range.oldest > before + 1
      ) {
        report.wrapped.push({ log, lost: range.oldest - before - 1 });
        gap.run(host, log, range.oldest - before - 1, 0);
      }
      for (const e of range.events) {
        const at = Date.parse(e.t);
        if (Number.isNaN(at)) throw new EventReadError(`event read on ${executor.host}: bad time ${e.t}`);
        const stored: StoredEvent = { host, log, recordId: e.r, eventId: e.id, at, data: e.d };
        if (insert.run(host, log, e.r, e.id, at, JSON.stringify(e.d)).changes > 0) report.events.push(stored);
      }
      const last = range.events.at(-1)?.r;
      // A full batch may stop before the newest: resume after its last event. Otherwise every
      // record up to the newest seen before the query has been considered.
      const full = range.events.length >= max;
      if (full) report.more = true;
      const next = full ? (last as number) : Math.max(range.from, last ?? 0, range.newest ?? 0);
      mark.run(host, log, next);
    }
  })();
  return report;
}

/** Read until every log is drained (at most `maxBatches` rounds). */
export async function readEvents(
  db: Database,
  executor: RunbookExecutor,
  opts: { maxEvents?: number; timeoutMs?: number; maxBatches?: number } = {},
): Promise<ReadReport> {
  const all: ReadReport = { events: [], wrapped: [], reset: [] };
  for (let i = 0; i < (opts.maxBatches ?? 20); i++) {
    const r = await readEventsOnce(db, executor, opts);
    all.events.push(...r.events);
    all.wrapped.push(...r.wrapped);
    all.reset.push(...r.reset);
    if (!r.more) break;
  }
  return all;
}

type EventRow = { host: string; log: string; record_id: number; event_id: number; at: number; data: string };
const stored = (r: EventRow): StoredEvent => ({
  host: r.host,
  log: r.log,
  recordId: r.record_id,
  eventId: r.event_id,
  at: r.at,
  data: JSON.parse(r.data) as string[],
});

/** A log gap found by a read and not yet reported: a wrap (`lost` events) or a clear. */
export interface StoredGap {
  host: string;
  log: string;
  lost?: number;
  reset?: true;
}

/** What has been read but not yet reported in a signed bundle, and the last row of each taken. */
export interface Unreported {
  events: StoredEvent[];
  gaps: StoredGap[];
  /** Per host: the last event row and gap id taken (what `markReported` passes). */
  upTo: Map<string, { event: number; gap: number }>;
}

/** Events and gaps of these hosts not yet reported, in read order. */
export function unreported(db: Database, hosts: readonly string[]): Unreported {
  const eventsOf = db.query<EventRow & { rowid: number }, [string]>(
    "SELECT rowid, host, log, record_id, event_id, at, data FROM winevt_event WHERE host = ? AND reported = 0 ORDER BY rowid",
  );
  const gapsOf = db.query<{ id: number; log: string; lost: number | null; reset: number }, [string]>(
    "SELECT id, log, lost, reset FROM winevt_gap WHERE host = ? ORDER BY id",
  );
  const out: Unreported = { events: [], gaps: [], upTo: new Map() };
  for (const host of hosts) {
    const rows = eventsOf.all(host);
    const gaps = gapsOf.all(host);
    for (const r of rows) out.events.push(stored(r));
    for (const g of gaps)
      out.gaps.push({
        host,
        log: g.log,
        ...(g.lost !== null ? { lost: g.lost } : {}),
        ...(g.reset ? { reset: true } : {}),
      });
    out.upTo.set(host, { event: rows.at(-1)?.rowid ?? 0, gap: gaps.at(-1)?.id ?? 0 });
  }
  return out;
}

/** Mark what `unreported` took as reported (anything read since stays unreported). */
export function markReported(db: Database, upTo: Unreported["upTo"]): void {
  const events = db.query(
    "UPDATE winevt_event SET reported = 1 WHERE host = ? AND reported = 0 AND rowid <= ?",
  );
  const gaps = db.query("DELETE FROM winevt_gap WHERE host = ? AND id <= ?");
  db.transaction(() => {
    for (const [host, last] of upTo) {
      events.run(host, last.event);
      gaps.run(host, last.gap);
    }
  })();
}

/** Stored events of these ids since a time, every host (the threat rules' windows). */
export function eventsSince(db: Database, eventIds: readonly number[], since: number): StoredEvent[] {
  return db
    .query<EventRow, [number]>(
      `SELECT host, log, record_id, event_id, at, data FROM winevt_event WHERE at >= ? AND event_id IN (${eventIds.map(Number).join(",")})`,
    )
    .all(since)
    .map(stored);
}
