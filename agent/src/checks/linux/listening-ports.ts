import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

/** One listening socket from `ss -H -tuln`. */
export interface Listener {
  proto: string;
  address: string;
  port: number;
}

/** Parse `ss -H -tuln` lines (Netid State Recv-Q Send-Q Local Peer). */
export function parseSs(stdout: string): Listener[] {
  const out: Listener[] = [];
  for (const line of stdout.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const local = f[4]!;
    const i = local.lastIndexOf(":");
    const port = Number(local.slice(i + 1));
    if (i < 0 || !Number.isInteger(port)) continue;
    out.push({ proto: f[0]!, address: local.slice(0, i).replace(/^\[|\]$/g, ""), port });
  }
  return out;
}

/** True for addresses only this machine can reach. */
export function isLoopback(address: string): boolean {
  const [addr, iface] = address.split("%");
  return iface === "lo" || addr === "::1" || /^127\./.test(addr!) || /^::ffff:127\./.test(addr!);
}

/** Nothing listens on a network interface unless its port is allowed. */
export async function listeningPorts({ host, settings }: CheckContext): Promise<CheckOutcome> {
  const allowed = new Set(settings.allowedPorts);
  const expected = `network listeners only on ports ${[...allowed].sort((a, b) => a - b).join(", ") || "(none)"}`;
  const r = await host.run(["ss", "-H", "-tuln"]);
  if (r.code !== 0)
    return outcome("error", expected, `ss failed (exit ${r.code})`, { stderr: r.stderr.slice(0, 300) });
  const exposed = parseSs(r.stdout).filter((l) => !isLoopback(l.address));
  const unexpected = exposed.filter((l) => !allowed.has(l.port));
  const fmt = (l: Listener) =>
    `${l.proto} ${l.address.includes(":") ? `[${l.address}]` : l.address}:${l.port}`;
  const details = { exposed: exposed.map(fmt), unexpected: unexpected.map(fmt) };
  if (unexpected.length > 0)
    return outcome("fail", expected, `unexpected: ${details.unexpected.join(", ")}`, details);
  return outcome(
    "pass",
    expected,
    exposed.length ? `exposed: ${details.exposed.join(", ")}` : "nothing exposed",
    details,
  );
}
