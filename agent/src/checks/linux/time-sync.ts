import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";
import type { Host } from "../host.ts";
import { querySntp, type SntpSample } from "../sntp.ts";

/** What the local time daemon says: synchronized, not, or no daemon we know of. */
async function serviceState(
  host: Host,
): Promise<{ state: "synchronized" | "unsynchronized" | "unknown"; via: string }> {
  const td = await host.run(["timedatectl", "show", "-p", "NTP", "-p", "NTPSynchronized"]);
  if (td.code === 0) {
    const kv = Object.fromEntries(td.stdout.split("\n").map((l) => l.split("=") as [string, string]));
    const on = kv.NTP === "yes" && kv.NTPSynchronized === "yes";
    return {
      state: on ? "synchronized" : "unsynchronized",
      via: `timedatectl NTP=${kv.NTP} NTPSynchronized=${kv.NTPSynchronized}`,
    };
  }
  const chrony = await host.run(["chronyc", "-n", "tracking"]);
  if (chrony.code === 0) {
    const leap = /Leap status\s*:\s*(.+)/.exec(chrony.stdout)?.[1]?.trim();
    return {
      state: leap === "Normal" ? "synchronized" : "unsynchronized",
      via: `chronyc leap status ${leap}`,
    };
  }
  return { state: "unknown", via: "neither timedatectl nor chronyc answered" };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Time sync: the time daemon is synchronized AND independent SNTP servers agree with our clock. */
export async function timeSync({ host, settings, timeoutMs }: CheckContext): Promise<CheckOutcome> {
  const perServer = Math.max(200, Math.min(2_000, timeoutMs / 2));
  const [service, ...answers] = await Promise.all([
    serviceState(host),
    ...settings.ntpServers.map((s) =>
      querySntp(host, s, perServer).then(
        (x): SntpSample | { server: string; error: string } => x,
        (e: Error) => ({ server: s, error: e.message }),
      ),
    ),
  ]);
  const samples = answers.filter((a): a is SntpSample => "offsetMs" in a);
  const failures = answers.filter((a): a is { server: string; error: string } => "error" in a);
  const max = settings.ntpMaxOffsetMs;
  const expected = `time daemon synchronized; |offset| ≤ ${max} ms against ${settings.ntpServers.length} NTP servers that agree`;
  const details = {
    service: service.via,
    servers: samples.map((s) => ({
      server: s.server,
      offsetMs: round(s.offsetMs),
      delayMs: round(s.delayMs),
      stratum: s.stratum,
    })),
    unreachable: failures.map((f) => ({ server: f.server, error: f.error })),
  };
  if (samples.length === 0) {
    return outcome(
      service.state === "synchronized" ? "warn" : "fail",
      expected,
      `no NTP server answered; ${service.via}`,
      details,
    );
  }
  const offset = median(samples.map((s) => s.offsetMs));
  // A server far from the others' median is a falseticker (or we are being lied to): flag it.
  const disagreeing = samples.filter((s) => Math.abs(s.offsetMs - offset) > max).map((s) => s.server);
  const full = { ...details, offsetMs: round(offset), disagreeing };
  if (Math.abs(offset) > max) {
    return outcome(
      "fail",
      expected,
      `clock off by ${round(offset)} ms (median of ${samples.length} servers)`,
      full,
    );
  }
  if (disagreeing.length > 0) {
    return outcome(
      "warn",
      expected,
      `NTP servers disagree: ${disagreeing.join(", ")} differ by more than ${max} ms`,
      full,
    );
  }
  if (service.state !== "synchronized") {
    return outcome("warn", expected, `offset ${round(offset)} ms but ${service.via}`, full);
  }
  if (samples.length < 2 && settings.ntpServers.length > 1) {
    return outcome(
      "warn",
      expected,
      `only ${samples.length} of ${settings.ntpServers.length} NTP servers answered`,
      full,
    );
  }
  return outcome("pass", expected, `offset ${round(offset)} ms; ${service.via}`, full);
}
