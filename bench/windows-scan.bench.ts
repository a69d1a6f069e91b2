/**
 * The Windows estate within one cycle: a full scan of 50 Windows hosts of mixed roles (20 servers,
 * 5 domain controllers, 25 workstations; every check of each role in one combined script per
 * host, NTLM-sealed), and event-log reading per host, each beside the WinRM command rate measured
 * in the same run (a trivial command, one shell, sequential: the transport's ceiling). The test
 * hosts run in three processes of their own (one per role).
 * Targets: the 50-host scan within one 60 s cycle; event reading ≥ 5,000 events/s per host.
 */
import type { CycleContext } from "../agent/src/daemon/providers.ts";
import { openStateDb } from "../agent/src/queue/db.ts";
import { type WindowsTarget, windowsCheckProvider } from "../agent/src/runbooks/windows-checks.ts";
import { WinRmExecutor } from "../agent/src/runbooks/winrm-executor.ts";
import { readEvents } from "../agent/src/windows/event-reader.ts";
import { WinRmClient } from "../agent/src/winrm/client.ts";
import { WINDOWS_CHECKS } from "../runbooks/index.ts";
import { failedLogons } from "../test/winrm-server/events.ts";
import { spawnWinRmServer } from "../test/winrm-server/spawn.ts";

const USER = "bench";
const PASSWORD = "bench-pw";
const EVENTS = Number(process.env.WINEVT_BENCH_N ?? 20_000);

const startHost = (role: string) => spawnWinRmServer(USER, PASSWORD, ["--role", role]);

const hosts = {
  server: await startHost("server"),
  "domain-controller": await startHost("domain-controller"),
  workstation: await startHost("workstation"),
};
const clients: WinRmClient[] = [];
const client = (port: number) => {
  const c = new WinRmClient({
    host: "127.0.0.1",
    port,
    auth: { scheme: "ntlm", user: USER, password: PASSWORD },
  });
  clients.push(c);
  return c;
};
try {
  // Ceiling: sequential trivial commands on one shell.
  const probe = client(hosts.server.port);
  await probe.run("hostname");
  const n = 200;
  let t = performance.now();
  for (let i = 0; i < n; i++) await probe.run("hostname");
  const commandRate = n / ((performance.now() - t) / 1000);

  const mix: [keyof typeof hosts, number][] = [
    ["server", 20],
    ["domain-controller", 5],
    ["workstation", 25],
  ];
  const targets: WindowsTarget[] = mix.flatMap(([role, count]) =>
    Array.from({ length: count }, (_, i) => ({
      executor: new WinRmExecutor(client(hosts[role].port), `${role}-${i}`),
    })),
  );
  const provider = windowsCheckProvider({ checks: WINDOWS_CHECKS, targets: () => targets });
  const ctx = {
    siteConfig: {},
    disabled: new Set<string>(),
    timeoutMs: 10_000,
    signal: new AbortController().signal,
  } as unknown as CycleContext;
  t = performance.now();
  const findings = await provider.collect(ctx);
  const scanSec = (performance.now() - t) / 1000;
  const errors = findings.filter((f) => f.status === "error").length;

  // Event reading: one host's Security log full of failed logons (21 EventData values each, as
  // Windows writes them), read from a bookmark in the appliance's default batches.
  const db = openStateDb(":memory:");
  const reader = new WinRmExecutor(client(hosts["domain-controller"].port), "dc-events");
  await readEvents(db, reader);
  const add = await fetch(`http://127.0.0.1:${hosts["domain-controller"].port}/_sim/events`, {
    method: "POST",
    body: JSON.stringify({
      log: "Security",
      events: Array.from({ length: EVENTS / 250 }, (_, i) => failedLogons(250, `10.1.${i % 250}.7`)).flat(),
    }),
  });
  if (!add.ok) throw new Error(`could not write events: ${add.status}`);
  t = performance.now();
  const read = await readEvents(db, reader, { maxBatches: 100, timeoutMs: 300_000 });
  const eventRate = read.events.length / ((performance.now() - t) / 1000);

  console.log(
    `windows scan: 50 hosts (20 server, 5 DC, 25 workstation), ${findings.length} findings (${errors} errors) in ${scanSec.toFixed(1)} s — cycle budget 60 s; WinRM command rate ${commandRate.toFixed(0)}/s`,
  );
  console.log(
    `event-log reading: ${read.events.length} events in one host's Security log at ${eventRate.toFixed(0)} events/s — target ≥ 5,000/s; WinRM command rate ${commandRate.toFixed(0)}/s`,
  );
} finally {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  for (const h of Object.values(hosts)) h.child.kill();
}
