/**
 * Simulated Windows event logs with record ids: each log keeps at most `maxRecords` records and
 * drops the oldest when full (a wrap: record ids go on counting); clearing a log empties it, starts
 * its ids again at 1, and writes event 1102 to Security as Windows does. Get-WinEvent reads them
 * with -LogName, -FilterXPath (EventID lists and EventRecordID comparisons), -MaxEvents, -Oldest.
 */
import type { CmdletCall } from "./ps/interp.ts";
import { param } from "./ps/interp.ts";
import { PSDate, PSError, PSObject, toNum, toStr, type Value } from "./ps/values.ts";

/** One event record; `data` is EventData in schema order (what `.Properties[n].Value` reads). */
export interface EventRecord {
  recordId: number;
  id: number;
  time: string;
  provider: string;
  data: string[];
}

/** One log. */
export interface EventLog {
  maxRecords: number;
  nextRecordId: number;
  records: EventRecord[];
}

/** A new event to write (record id and time are given by the log). */
export type NewEvent = Omit<EventRecord, "recordId" | "time"> & { time?: string };

/** Logs of a fresh host. */
export function emptyLogs(): Record<string, EventLog> {
  const log = (maxRecords: number): EventLog => ({ maxRecords, nextRecordId: 1, records: [] });
  return {
    Security: log(20_000),
    System: log(5_000),
    "Microsoft-Windows-Windows Defender/Operational": log(5_000),
  };
}

/** Append events, dropping the oldest past the log's size (record ids keep increasing). */
export function writeEvents(log: EventLog, events: readonly NewEvent[], now = Date.now()): void {
  for (const e of events)
    log.records.push({ ...e, recordId: log.nextRecordId++, time: e.time ?? new Date(now).toISOString() });
  if (log.records.length > log.maxRecords) log.records.splice(0, log.records.length - log.maxRecords);
}

/** Clear a log: empty, ids from 1 again; clearing Security leaves its 1102 as the first record. */
export function clearLog(logs: Record<string, EventLog>, name: string, by: string, now = Date.now()): void {
  const log = logs[name];
  if (!log) return;
  log.records = [];
  log.nextRecordId = 1;
  const security = logs.Security;
  if (security) {
    writeEvents(
      security,
      [
        {
          id: name === "Security" ? 1102 : 104,
          provider: "Microsoft-Windows-Eventlog",
          data: ["S-1-5-21-1-500", by, "CLINIC"],
        },
      ],
      now,
    );
  }
}

/** A -FilterXPath as the agent writes it: `*[System[(EventID=a or EventID=b) and EventRecordID>n]]`. */
function xpathFilter(xpath: string): { ids: Set<number>; after: number } {
  const ids = new Set([...xpath.matchAll(/EventID\s*=\s*(\d+)/g)].map((m) => Number(m[1])));
  const after = /EventRecordID\s*>\s*(\d+)/.exec(xpath);
  const rest = xpath
    .replace(/EventID\s*=\s*\d+/g, "")
    .replace(/EventRecordID\s*>\s*\d+/g, "")
    .replace(/\*|System|\[|\]|\(|\)|\band\b|\bor\b|\s/g, "");
  if (rest !== "")
    throw new PSError(
      `Get-WinEvent : The specified query is invalid (this host reads EventID and EventRecordID only): ${xpath}`,
    );
  return { ids, after: after ? Number(after[1]) : -1 };
}

/** Index of the first record with an id above `after` (records are kept in record id order). */
function firstAfter(records: readonly EventRecord[], after: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((records[mid] as EventRecord).recordId > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The Get-WinEvent cmdlet over these logs. Like the real one it seeks to the record id the query
 * starts after and stops at -MaxEvents, so reading a batch costs the batch, not the whole log.
 */
export function getWinEvent(logs: Record<string, EventLog>, c: CmdletCall): Value[] {
  const name = toStr(param(c, "LogName") ?? c.positional[0] ?? null);
  const key = Object.keys(logs).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!key)
    throw new PSError(
      `Get-WinEvent : There is not an event log on the localhost computer that matches "${name}".`,
      "ObjectNotFound",
    );
  const log = logs[key] as EventLog;
  const xpath = param(c, "FilterXPath");
  const { ids, after } = xpath === null ? { ids: new Set<number>(), after: -1 } : xpathFilter(toStr(xpath));
  const maxParam = param(c, "MaxEvents");
  const max = maxParam === null ? Number.POSITIVE_INFINITY : toNum(maxParam);
  const keep = (r: EventRecord) => ids.size === 0 || ids.has(r.id);
  const out: EventRecord[] = [];
  const start = firstAfter(log.records, after);
  if (param(c, "Oldest")) {
    for (let i = start; i < log.records.length && out.length < max; i++)
      if (keep(log.records[i] as EventRecord)) out.push(log.records[i] as EventRecord);
  } else {
    for (let i = log.records.length - 1; i >= start && out.length < max; i--)
      if (keep(log.records[i] as EventRecord)) out.push(log.records[i] as EventRecord);
  }
  if (out.length === 0)
    throw new PSError(
      "Get-WinEvent : No events were found that match the specified selection criteria.",
      "ObjectNotFound",
    );
  return out.map(
    (r) =>
      new PSObject({
        RecordId: r.recordId,
        Id: r.id,
        LogName: key,
        ProviderName: r.provider,
        TimeCreated: new PSDate(Date.parse(r.time)),
        Properties: r.data.map((d) => new PSObject({ Value: d })),
      }),
  );
}

/** Failed logons (4625) as Windows writes them: user at [5], source address at [19]. */
export function failedLogons(n: number, source: string, user = "frontdesk"): NewEvent[] {
  const data = [
    "S-1-0-0",
    "-",
    "-",
    "0x0",
    "S-1-0-0",
    user,
    "CLINIC",
    "0xc000006d",
    "%%2313",
    "0xc000006a",
    "3",
  ];
  const rest = ["NtLmSsp", "NTLM", "KIOSK", "-", "-", "0", "0x0", "-", source, "51122"];
  return Array.from({ length: n }, () => ({
    id: 4625,
    provider: "Microsoft-Windows-Security-Auditing",
    data: [...data, ...rest],
  }));
}
