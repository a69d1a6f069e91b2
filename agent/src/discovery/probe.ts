/**
 * The optional active probe: a TCP connect to each port of each address of the configured subnets,
 * paced to `ratePerSec` connection attempts per second with a bounded number in flight, so a
 * clinic's switches and IDS see a trickle, not a scan burst. Off unless `[discovery.probe]` is on.
 */
import { connect } from "node:net";
import type { Observation } from "./observation.ts";

/** The ports that tell a manageable host: SSH, RPC, SMB, RDP, WinRM HTTP and HTTPS. */
export const PROBE_PORTS = [22, 135, 445, 3389, 5985, 5986] as const;

/** Every host address of an IPv4 CIDR (network and broadcast left out above /31); at most 4096. */
export function cidrHosts(cidr: string): string[] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) throw new Error(`probe subnet "${cidr}": must be an IPv4 CIDR like 192.168.10.0/24`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) throw new Error(`probe subnet "${cidr}": not an IPv4 CIDR`);
  if (bits < 20) throw new Error(`probe subnet "${cidr}": larger than /20 (4096 addresses); split it`);
  const base =
    (((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0) &
    (bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0);
  const size = 2 ** (32 - bits);
  const [first, last] = size <= 2 ? [0, size - 1] : [1, size - 2];
  const out: string[] = [];
  for (let i = first; i <= last; i++) {
    const a = (base + i) >>> 0;
    out.push(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`);
  }
  return out;
}

/** One TCP connect attempt: true when the port accepted. */
function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

/** What the ports that answered suggest about the operating system. */
export function osFromPorts(ports: readonly number[]): string | undefined {
  const has = (p: number) => ports.includes(p);
  if (has(5985) || has(5986) || has(135) || has(3389) || has(445)) return "Windows (WinRM/RPC/SMB/RDP open)";
  if (has(22)) return "Linux or macOS (SSH open)";
  return undefined;
}

/** Probe settings. */
export interface ProbeOptions {
  subnets: readonly string[];
  ports?: readonly number[];
  /** Connection attempts started per second. */
  ratePerSec: number;
  timeoutMs: number;
  /** Attempts in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** Probe the subnets; one observation per address where some port accepted. */
export async function probeSubnets(o: ProbeOptions): Promise<Observation[]> {
  const ports = o.ports ?? PROBE_PORTS;
  const jobs = o.subnets.flatMap(cidrHosts).flatMap((host) => ports.map((port) => ({ host, port })));
  const open = new Map<string, number[]>();
  const gapMs = 1000 / o.ratePerSec;
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted) return;
      const i = next++;
      const job = jobs[i];
      if (!job) return;
      // Pace by schedule, not by sleep after each attempt: attempt i starts no earlier than i·gap.
      const wait = start + i * gapMs - performance.now();
      if (wait > 0) await Bun.sleep(wait);
      if (await tryConnect(job.host, job.port, o.timeoutMs)) {
        const list = open.get(job.host) ?? [];
        list.push(job.port);
        open.set(job.host, list);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 16) }, worker));
  return [...open].map(([address, openPorts]) => {
    const os = osFromPorts(openPorts);
    return {
      source: "probe",
      address,
      openPorts: openPorts.sort((a, b) => a - b),
      ...(os ? { osGuess: os } : {}),
    };
  });
}
