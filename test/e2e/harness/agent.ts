import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { malachorBinary } from "../../support/binary.ts";
import { freePort } from "../../support/ports.ts";
import { fakeSysfs } from "../../support/sysfs.ts";
import { Service } from "./service.ts";
import { waitFor } from "./wait.ts";

/** Where the agent under test keeps things. */
export interface AgentPaths {
  dir: string;
  bin: string;
  config: string;
  base: string;
  stateDir: string;
}

/** A Windows host the agent manages (the WinRM test server). */
export interface WindowsTarget {
  host: string;
  port: number;
  username: string;
  password: string;
}

/** Lay out an agent directory with its own copy of the compiled binary (updates replace the copy). */
export function agentPaths(dir: string): AgentPaths {
  mkdirSync(join(dir, "bin"), { recursive: true });
  const bin = join(dir, "bin", "malachor");
  copyFileSync(malachorBinary(), bin);
  return {
    dir,
    bin,
    config: join(dir, "config.toml"),
    base: join(dir, "base.toml"),
    stateDir: join(dir, "state"),
  };
}

/**
 * The base config enrollment completes (the NixOS module's role): state dir, a fast check cadence,
 * the local status page on a free loopback port, and the Windows hosts with their password files.
 * `hostProfile`: the appliance's own host simulated from that profile instead of this machine.
 */
export function writeBaseConfig(
  p: AgentPaths,
  o: {
    cloudUrl: string;
    intervalSec: number;
    windows: WindowsTarget[];
    statusPort?: number;
    hostProfile?: string;
    extra?: string;
    /** Ask the cloud's L2 planner (only when the cloud runs one, as the demo's does). */
    l2?: boolean;
  },
): { statusUrl: string } {
  const statusPort = o.statusPort ?? freePort();
  const hosts = o.windows.map((w, i) => {
    const pw = join(p.dir, `winrm-${i}.password`);
    writeFileSync(pw, `${w.password}\n`, { mode: 0o600 });
    return `[[windows.hosts]]\nhost = "${w.host}"\nport = ${w.port}\ntransport = "http-ntlm"\nusername = "${w.username}"\npassword_file = "${pw}"\n`;
  });
  writeFileSync(
    p.base,
    [
      `[cloud]\nurl = "${o.cloudUrl}"\napi_key_file = "${join(p.stateDir, "api-key")}"\ntimeout_sec = 10\n`,
      `[appliance]\nstate_dir = "${p.stateDir}"\nhostname = "clinic-appliance"\n${o.hostProfile ? `host_profile = "${o.hostProfile}"\n` : ""}`,
      // Loopback only here: no public NTP; the time check asks a port nobody answers and reports it.
      // The two Linux checks with L1 runbooks are off: their fixes (restarting time sync and
      // services) would act on the machine running the tests before the first sync limits healing
      // to the simulated Windows host.
      `[checks]\ninterval_sec = ${o.intervalSec}\ntimeout_sec = 5\nntp_servers = ["127.0.0.1:9"]\ndisabled = ["linux.time-sync", "linux.services"]\n`,
      // Without a model behind the cloud, drift no L1 rule covers goes straight to people (L3).
      `[heal]\nl2 = ${o.l2 ?? false}\n`,
      `[status]\nbind = "127.0.0.1:${statusPort}"\n`,
      ...hosts,
      o.extra ?? "",
    ].join("\n"),
  );
  return { statusUrl: `http://127.0.0.1:${statusPort}` };
}

/** What zero-touch enrolment did: the appliance's answer and the fingerprint the technician approved. */
export interface Enrolled {
  out: string;
  fingerprint: string;
  claimId: string;
}

/**
 * Zero-touch enrolment the real way: the binary (`malachor provision auto`, as the appliance's
 * boot service runs it) claims its MAC (read from a fake /sys) and prints its key fingerprint
 * while it waits; a technician finds the claim with that fingerprint in the cloud and approves
 * it (`approve`, the admin API); the binary then enrolls and writes config.toml and its keys.
 */
export async function provisionByClaim(
  p: AgentPaths,
  cloudUrl: string,
  mac: string,
  approve: (fingerprint: string) => Promise<string>,
): Promise<Enrolled> {
  const sysfs = fakeSysfs(join(p.dir, "sys"), [{ name: "eth0", mac }]);
  const noMedia = join(p.dir, "no-media");
  mkdirSync(noMedia, { recursive: true });
  const proc = Bun.spawn(
    [
      p.bin,
      "provision",
      "auto",
      "--config",
      p.config,
      "--base",
      p.base,
      "--cloud",
      cloudUrl,
      "--sysfs",
      sysfs,
      "--media",
      noMedia,
      "--retry-sec",
      "1",
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  let err = "";
  let approval: Promise<{ fingerprint: string; claimId: string }> | undefined;
  const reading = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of proc.stderr) {
      err += dec.decode(chunk);
      const fp = /key fingerprint ([0-9a-f]{4}(?:-[0-9a-f]{4}){3}): approve only/.exec(err)?.[1];
      if (fp && !approval) approval = approve(fp).then((claimId) => ({ fingerprint: fp, claimId }));
    }
  })();
  const timer = setTimeout(() => proc.kill(), 60_000);
  const [out, rc] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  clearTimeout(timer);
  await reading;
  if (rc !== 0 || !approval) throw new Error(`malachor provision auto exited ${rc}: ${err}${out}`);
  return { out: out.trim(), ...(await approval) };
}

/**
 * Ask the agent at `statusUrl` for a cycle now (its local API, as the status page's button does)
 * instead of waiting out its interval (a request during a cycle runs the next one right after it).
 * A test waiting on an outcome that may take several cycles asks again at every poll. A daemon that
 * is restarting (an update installed) does not answer; it runs a cycle as it starts anyway.
 */
export async function askForCycle(statusUrl: string): Promise<void> {
  await fetch(`${statusUrl}/api/cycle`, { method: "POST", signal: AbortSignal.timeout(2_000) }).catch(
    () => {},
  );
}

/**
 * `malachor run` under a supervisor that restarts it whenever it exits unasked, as systemd's
 * Restart=always does: an installed update stops the daemon so the new binary starts.
 */
export class SupervisedAgent {
  service: Service | undefined;
  /** Exit codes of runs that ended without being asked to. */
  readonly unaskedExits: number[] = [];
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(
    readonly paths: AgentPaths,
    readonly statusUrl: string,
    private readonly opts: { echo?: boolean; env?: Record<string, string> } = {},
  ) {}

  /** Start supervising; resolves once the local status API answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        const svc = Service.start("agent", [this.paths.bin, "run", "--config", this.paths.config], {
          echo: this.opts.echo,
          env: this.opts.env,
        });
        this.service = svc;
        const code = await svc.exited;
        if (this.stopping) break;
        this.unaskedExits.push(code);
        await Bun.sleep(300);
      }
    })();
    await this.waitUp(timeoutMs);
  }

  /** Wait until the (possibly restarted) daemon's status API answers. */
  async waitUp(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      "the agent's local status API",
      async () => (await fetch(`${this.statusUrl}/api/status`, { signal: AbortSignal.timeout(2_000) })).ok,
      { timeoutMs },
    );
  }

  /** The daemon's status snapshot. */
  async status(): Promise<Record<string, unknown>> {
    const r = await fetch(`${this.statusUrl}/api/status`, { signal: AbortSignal.timeout(5_000) });
    if (!r.ok) throw new Error(`agent status → ${r.status}`);
    return (await r.json()) as Record<string, unknown>;
  }

  /** Graceful stop (SIGTERM) without restart. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.service?.stop(30_000);
    await this.loop;
  }

  /** kill -9 the daemon and do NOT restart it (the test restarts when it wants). */
  async kill9(): Promise<void> {
    this.stopping = true;
    await this.service?.kill9();
    await this.loop;
  }

  /** Recent output of the current run, for failure messages. */
  tail(n = 60): string {
    return this.service?.tail(n) ?? "(agent not started)";
  }
}
