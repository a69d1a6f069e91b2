/**
 * NTLM-sealed WinRM commands per second and client CPU per command: our client against Debian's
 * pywinrm, both talking to the same test server running in its own process. Each command is a
 * full Command → Receive → Signal(terminate) exchange on one reused shell.
 * Targets: ≥ 2× pywinrm's rate, ≤ 2 ms client CPU per command.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WinRmClient } from "../agent/src/winrm/client.ts";
import { hasPywinrm, OPENSSL_LEGACY_CONF, PYTHON } from "../test/winrm-server/pywinrm.ts";
import { spawnWinRmServer } from "../test/winrm-server/spawn.ts";

const N = Number(process.env.WINRM_BENCH_N ?? 400);
const USER = "bench";
const PASSWORD = "bench-pw";

const { child: server, port } = await spawnWinRmServer(USER, PASSWORD);

try {
  const client = new WinRmClient({
    host: "127.0.0.1",
    port,
    auth: { scheme: "ntlm", user: USER, password: PASSWORD },
  });
  for (let i = 0; i < 30; i++) await client.run("hostname");
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await client.run("hostname");
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await client.close();
  const oursPerSec = (N / wall) * 1000;
  const oursCpuMs = (cpu.user + cpu.system) / 1000 / N;
  console.log(
    `malachor client: ${oursPerSec.toFixed(0)} commands/s, ${oursCpuMs.toFixed(2)} ms client CPU/command (target ≤ 2 ms)`,
  );

  if (!hasPywinrm()) {
    console.log("pywinrm: not installed (/usr/bin/python3 lacks winrm) — comparison skipped");
  } else {
    const dir = mkdtempSync(join(tmpdir(), "malachor-winrm-bench-"));
    try {
      writeFileSync(join(dir, "openssl.cnf"), OPENSSL_LEGACY_CONF);
      writeFileSync(
        join(dir, "bench.py"),
        `import json, sys, time, winrm
from winrm.protocol import Protocol
p = Protocol(endpoint=sys.argv[1], transport="ntlm", username="${USER}", password="${PASSWORD}", message_encryption="always")
shell = p.open_shell()
def one():
    c = p.run_command(shell, "hostname")
    p.get_command_output(shell, c)
    p.cleanup_command(shell, c)
for _ in range(30): one()
n = int(sys.argv[2]); t0 = time.perf_counter(); c0 = time.process_time()
for _ in range(n): one()
wall = time.perf_counter() - t0; cpu = time.process_time() - c0
p.close_shell(shell)
print(json.dumps({"perSec": n / wall, "cpuMs": cpu * 1000 / n}))
`,
      );
      const py = Bun.spawnSync([PYTHON, join(dir, "bench.py"), `http://127.0.0.1:${port}/wsman`, String(N)], {
        env: { ...process.env, OPENSSL_CONF: join(dir, "openssl.cnf") },
        stderr: "pipe",
      });
      if (py.exitCode !== 0) throw new Error(`pywinrm bench failed: ${py.stderr.toString().slice(-500)}`);
      const r = JSON.parse(py.stdout.toString()) as { perSec: number; cpuMs: number };
      console.log(
        `pywinrm 0.3.0:   ${r.perSec.toFixed(0)} commands/s, ${r.cpuMs.toFixed(2)} ms client CPU/command`,
      );
      console.log(
        `ratio: ${(oursPerSec / r.perSec).toFixed(1)}× pywinrm's rate (target ≥ 2×), ${(r.cpuMs / oursCpuMs).toFixed(1)}× less CPU`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  server.kill();
  await server.exited;
}
