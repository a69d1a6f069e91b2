import { prng } from "../../../lib/testing/prng.ts";
import type { Finding } from "../../../protocol/finding.ts";

/**
 * A simulated clinic for evidence-volume tests and the bench: 20 Windows hosts (2 of them
 * workstations switched off overnight), 5 Linux and 3 macOS hosts, 30 checks each, with seeded
 * drift: each finding fails or recovers about once a month, patch levels move once a day, and the
 * two workstations are unreachable from 19:00 to 07:00 UTC. Deterministic for a given seed.
 */
export interface Clinic {
  /** The complete findings of the cycle at `at`. */
  cycle(at: Date): Finding[];
}

const CITATIONS = [
  ["§164.312(b)"],
  ["§164.312(a)(1)", "§164.312(d)"],
  ["§164.312(a)(2)(iv)"],
  ["§164.308(a)(7)(ii)(A)"],
  ["§164.308(a)(5)(ii)(B)"],
];

/** Build the clinic; `cyclesPerDay` sets how likely a drift is per cycle. */
export function simulatedClinic(seed = 24, cyclesPerDay = 1440): Clinic {
  const rand = prng(seed);
  const hosts = [
    ...Array.from({ length: 20 }, (_, i) => ({
      name: `win-${String(i + 1).padStart(2, "0")}`,
      os: "windows",
    })),
    ...Array.from({ length: 5 }, (_, i) => ({ name: `lnx-${i + 1}`, os: "linux" })),
    ...Array.from({ length: 3 }, (_, i) => ({ name: `mac-${i + 1}`, os: "macos" })),
  ];
  const offAtNight = new Set(["win-19", "win-20"]);
  // Per finding: failing or not, and its patch-level counter (a value that moves daily).
  const failing = new Map<string, boolean>();
  const flipChance = 1 / (30 * cyclesPerDay);
  return {
    cycle(at: Date): Finding[] {
      const hour = at.getUTCHours();
      const day = Math.floor(at.getTime() / 86_400_000);
      const observedAt = at.toISOString();
      const out: Finding[] = [];
      for (const h of hosts) {
        const off = offAtNight.has(h.name) && (hour >= 19 || hour < 7);
        for (let c = 0; c < 30; c++) {
          const checkId = `${h.os}.check-${String(c + 1).padStart(2, "0")}`;
          const key = `${checkId}|${h.name}`;
          if (rand() < flipChance) failing.set(key, !failing.get(key));
          const fail = failing.get(key) ?? false;
          // Check 1 reports the installed patch level, which moves once a day.
          const actual =
            c === 0
              ? `KB50${(day % 1000).toString().padStart(4, "0")} installed`
              : fail
                ? "not configured"
                : "configured as required";
          out.push({
            checkId,
            host: h.name,
            status: off ? "unreachable" : fail ? "fail" : c % 11 === 5 ? "warn" : "pass",
            severity: c % 3 === 0 ? "high" : "medium",
            title: `${h.os} control ${c + 1} is configured as the baseline requires`,
            citations: CITATIONS[c % CITATIONS.length]!,
            expected: c === 0 ? "latest cumulative update installed" : "configured as required",
            actual: off ? "host switched off" : actual,
            details: {
              source: h.os === "windows" ? "winrm" : "ssh",
              probe: `probe-${c}`,
              sampled: Math.floor(rand() * 100),
            },
            observedAt,
            durationMs: Math.floor(rand() * 400),
          });
        }
      }
      return out;
    },
  };
}
