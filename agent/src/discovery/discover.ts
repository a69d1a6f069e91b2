/**
 * One discovery pass: the neighbour table, the DHCP leases that are readable, Active Directory
 * through the domain controllers, then (only when turned on) the TCP-connect probe; the sightings
 * merged into devices. A source that fails is noted and skipped, never the pass.
 */
import type { DeviceReport } from "../../../protocol/targets.ts";
import type { Host } from "../checks/host.ts";
import type { Config } from "../config/schema.ts";
import type { RunbookExecutor } from "../runbooks/executor.ts";
import { adComputers } from "./active-directory.ts";
import { parseDnsmasqLeases, parseIscLeases } from "./leases.ts";
import { mergeObservations } from "./merge.ts";
import { parseIpNeighJson, parseProcArp } from "./neighbours.ts";
import type { Observation } from "./observation.ts";
import { probeSubnets } from "./probe.ts";

/** What a pass needs. */
export interface DiscoveryInput {
  host: Host;
  settings: Config["discovery"];
  /** Executors of the Windows hosts that may be domain controllers. */
  domainControllers: () => readonly RunbookExecutor[];
  now: () => Date;
  signal?: AbortSignal;
}

/** The pass's report and the sources that failed (for the log). */
export interface DiscoveryResult {
  report: DeviceReport;
  problems: string[];
}

/** Leases by content: ISC files have `lease <ip> {` blocks, dnsmasq files one lease per line. */
export function parseLeases(text: string): Observation[] {
  return /^\s*lease\s+\S+\s*\{/m.test(text) ? parseIscLeases(text) : parseDnsmasqLeases(text);
}

/** Run one discovery pass. */
export async function discover(d: DiscoveryInput): Promise<DiscoveryResult> {
  const s = d.settings;
  const obs: Observation[] = [];
  const problems: string[] = [];
  const attempt = async (what: string, f: () => Promise<Observation[]>) => {
    try {
      obs.push(...(await f()));
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message.slice(0, 300)}`);
    }
  };
  await attempt(s.neighbour_file, async () => parseProcArp((await d.host.readFile(s.neighbour_file)) ?? ""));
  await attempt("ip -j neigh", async () => {
    const r = await d.host.run(["ip", "-j", "neigh"], { timeoutMs: 5_000 });
    return r.code === 0 ? parseIpNeighJson(r.stdout) : [];
  });
  for (const f of s.lease_files) {
    await attempt(f, async () => {
      const text = await d.host.readFile(f);
      return text === null ? [] : parseLeases(text);
    });
  }
  if (s.active_directory) {
    for (const dc of d.domainControllers())
      await attempt(`Active Directory via ${dc.host}`, () => adComputers(dc, 60_000));
  }
  if (s.probe.enabled && s.probe.subnets.length) {
    await attempt("probe", () =>
      probeSubnets({
        subnets: s.probe.subnets,
        ports: s.probe.ports,
        ratePerSec: s.probe.rate_per_sec,
        timeoutMs: s.probe.timeout_ms,
        ...(d.signal ? { signal: d.signal } : {}),
      }),
    );
  }
  const at = d.now().toISOString();
  return { report: { observedAt: at, devices: mergeObservations(obs, at).slice(0, 4_096) }, problems };
}
