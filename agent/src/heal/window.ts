/** A local-time maintenance window (HH:MM–HH:MM, may wrap past midnight); null means any time. */
export type MaintenanceWindow = { start: string; end: string } | null;

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True if `at` (read in the appliance's local time zone) falls inside the window. */
export function inWindow(w: MaintenanceWindow, at: Date): boolean {
  if (w === null) return true;
  const now = at.getHours() * 60 + at.getMinutes();
  const s = minutes(w.start);
  const e = minutes(w.end);
  if (s === e) return true;
  return s < e ? now >= s && now < e : now >= s || now < e;
}
