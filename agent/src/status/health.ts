/** Overall appliance health for the status page, derived from a snapshot (pure; `now` is passed in). */
import { needsPersonReason } from "../../../runbooks/index.ts";
import type { StatusSnapshot } from "./snapshot.ts";

export type HealthLevel = "ok" | "attention" | "problem";

/** One reason behind the overall level, with the next step for the reader. */
export interface HealthItem {
  level: HealthLevel;
  message: string;
}

export interface Health {
  level: HealthLevel;
  headline: string;
  items: HealthItem[];
}

const rank: Record<HealthLevel, number> = { ok: 0, attention: 1, problem: 2 };

/** Queue age past which we say the cloud has not received evidence for too long. */
const QUEUE_STALE_SEC = 3600;

/** Summarise a snapshot: stalled cycles, cloud unreachable, failing checks, agent warnings. */
export function assessHealth(s: StatusSnapshot, now: Date): Health {
  const items: HealthItem[] = [];
  const sinceSec = (iso: string) => Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);

  if (!s.lastCycle) {
    items.push({ level: "attention", message: "The first round of checks has not finished yet." });
  } else if (sinceSec(s.lastCycle.at) > 3 * s.checkIntervalSec + 60) {
    items.push({
      level: "problem",
      message: `Checks have not run for ${Math.round(sinceSec(s.lastCycle.at) / 60)} minutes. Restart the appliance or call your IT provider.`,
    });
  }
  if (s.lastSync && !s.lastSync.ok) {
    items.push({
      level: "attention",
      message: `The appliance cannot reach the cloud${s.lastSync.error ? ` (${s.lastSync.error})` : ""}. Evidence is kept safely and sent later.`,
    });
  }
  if (s.queue.depth > 0 && s.queue.oldestAgeSec > QUEUE_STALE_SEC) {
    items.push({
      level: "attention",
      message: `${s.queue.depth} records are waiting to be sent (oldest ${Math.round(s.queue.oldestAgeSec / 3600)} h). Check the internet connection.`,
    });
  }
  const failing = s.findings.filter((f) => f.status === "fail");
  if (failing.length > 0) {
    // Only checks a runbook fixes are fixed automatically; the rest wait for a person.
    const byPerson = failing.filter((f) => needsPersonReason(f.checkId)).length;
    const auto = failing.length - byPerson;
    const parts = [
      auto > 0 ? `${auto} ${auto === 1 ? "is" : "are"} fixed automatically` : "",
      byPerson > 0
        ? `${byPerson} need${byPerson === 1 ? "s" : ""} your IT provider, who has been alerted`
        : "",
    ].filter(Boolean);
    items.push({
      level: "attention",
      message: `${failing.length} check${failing.length === 1 ? "" : "s"} found a problem: ${parts.join("; ")}.`,
    });
  }
  if (s.healing.paused) {
    items.push({ level: "attention", message: "Automatic fixing is paused by your IT provider." });
  }
  for (const w of s.warnings) items.push({ level: "attention", message: w.message });

  const level = items.reduce<HealthLevel>((l, i) => (rank[i.level] > rank[l] ? i.level : l), "ok");
  const headline =
    level === "ok"
      ? "Everything is working"
      : level === "attention"
        ? "Working, with things to look at"
        : "The appliance needs attention";
  return { level, headline, items };
}
