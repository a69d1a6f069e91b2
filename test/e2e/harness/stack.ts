import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { RUNBOOK_SPECS } from "../../../runbooks/index.ts";
import { freePort } from "../../support/ports.ts";
import { agentPaths, type Enrolled, provisionByClaim, SupervisedAgent, writeBaseConfig } from "./agent.ts";
import { CloudProcess } from "./cloud.ts";
import { Service } from "./service.ts";

const root = join(import.meta.dir, "..", "..", "..");

/** How to build the stack. */
export interface StackOptions {
  /** Seconds between the agent's check cycles (10 is the minimum the config allows). */
  intervalSec?: number;
  /** Start the simulated Windows host compliant (default) or as a drifted, unmanaged server. */
  windowsCompliant?: boolean;
  /** Echo every process's output to stderr, prefixed. */
  echo?: boolean;
  /** Keep the temp directory after stop (for a look at the data). */
  keep?: boolean;
  siteId?: string;
  /** Pause healing for the site (orders tests act by hand). */
  healingPaused?: boolean;
  /** Also watch a front-desk workstation (a second simulated host, compliant, on 127.0.0.2). */
  workstation?: boolean;
  /**
   * The appliance's own Linux host simulated (test/demo/host-profile.toml: a hardened NixOS thin
   * client), as the Windows hosts are, instead of checking the machine running the tests.
   */
  simulatedLinux?: boolean;
  /** Run the cloud's L2 planner with these variables (L2_LLM_URL…) and let the appliance ask it. */
  planner?: Record<string, string>;
}

/** The demo appliance's simulated host (`[appliance] host_profile`). */
export const DEMO_HOST_PROFILE = join(root, "test", "demo", "host-profile.toml");

/** The WinRM test server as a child process. */
export interface WinRmSim {
  service: Service;
  /** Base URL of the control API (`/_sim/…`); WS-Man is under `/wsman`. */
  url: string;
  /** The address the appliance's config names (its findings' host). */
  host: string;
  /** The computer name the simulated host reports (what pages show instead of the address). */
  name: string;
  port: number;
  username: string;
  password: string;
}

/** The workstation's address: another loopback address, so its findings carry their own host. */
const WORKSTATION_ADDRESS = "127.0.0.2";

async function startWinRm(
  echo: boolean,
  o: { compliant: boolean; bind?: string; role?: "workstation"; hostname?: string },
): Promise<WinRmSim> {
  const host = o.bind ?? "127.0.0.1";
  const port = freePort();
  const username = "svc-malachor";
  const password = `Pw${randomBytes(12).toString("hex")}`;
  const service = Service.start(
    o.role ?? "winrm",
    [
      process.execPath,
      join(root, "test", "winrm-server", "main.ts"),
      "--port",
      String(port),
      "--bind",
      host,
      "--user",
      username,
      "--password",
      password,
      ...(o.compliant ? ["--compliant"] : []),
      ...(o.role ? ["--role", o.role] : []),
      ...(o.hostname ? ["--hostname", o.hostname] : []),
    ],
    { cwd: root, echo },
  );
  const ready = v.parse(
    v.object({ hostname: v.string() }),
    JSON.parse(await service.waitForLine(/"url"/, 60_000)),
  );
  return { service, url: `http://${host}:${port}`, host, name: ready.hostname, port, username, password };
}

/**
 * What a technician does in the dashboard, through the admin API: find the pending claim for the
 * MAC whose key fingerprint the appliance shows, and approve it naming that fingerprint.
 */
async function approveClaim(cloud: CloudProcess, mac: string, fingerprint: string): Promise<string> {
  const { claims } = await cloud.api<{ claims: { id: string; state: string; fingerprint: string }[] }>(
    "GET",
    `/api/provision-claims?mac=${mac}&state=pending`,
  );
  const claim = claims.find((c) => c.fingerprint === fingerprint);
  if (!claim) throw new Error(`no pending claim for ${mac} with fingerprint ${fingerprint}`);
  await cloud.api("POST", `/api/provision-claims/${claim.id}/approve`, { fingerprint });
  return claim.id;
}

/**
 * The whole system on loopback, as a clinic would run it: the cloud process on its embedded
 * defaults, a site, an appliance enrolled by a claim a technician approved, the WinRM test server as the
 * clinic's Windows server, and the compiled `malachor run` checking its Linux host (this machine,
 * or with `simulatedLinux` the demo's profile) and the Windows host, healing and shipping evidence.
 */
export class Stack {
  private constructor(
    readonly dir: string,
    readonly cloud: CloudProcess,
    readonly winrm: WinRmSim,
    /** The front-desk workstation, when asked for. */
    readonly workstation: WinRmSim | undefined,
    readonly agent: SupervisedAgent,
    readonly siteId: string,
    readonly applianceId: string,
    /** The claim a technician approved, and the key fingerprint the appliance showed. */
    readonly enrolment: Enrolled,
    private readonly keep: boolean,
  ) {}

  static async start(o: StackOptions = {}): Promise<Stack> {
    const dir = mkdtempSync(join(tmpdir(), "malachor-stack-"));
    const echo = o.echo ?? false;
    const siteId = o.siteId ?? "riverside-clinic";
    const started: { stop(): Promise<unknown> }[] = [];
    try {
      const [winrm, workstation, cloud] = await Promise.all([
        startWinRm(echo, { compliant: o.windowsCompliant ?? true }),
        o.workstation
          ? startWinRm(echo, {
              compliant: true,
              bind: WORKSTATION_ADDRESS,
              role: "workstation",
              hostname: "FRONTDESK-01",
            })
          : undefined,
        (async () => {
          // No SMTP here: MAIL_LOG_LINKS=dev makes the cloud log whole mails, so the demo can print
          // the portal's sign-in links (without it a cloud never logs a link).
          const c = new CloudProcess(join(dir, "cloud"), {
            echo,
            env: { MAIL_LOG_LINKS: "dev", ...o.planner },
          });
          await c.start();
          return c;
        })(),
      ]);
      started.push({ stop: () => winrm.service.stop() }, cloud);
      if (workstation) started.push({ stop: () => workstation.service.stop() });
      await cloud.api("POST", "/api/sites", {
        id: siteId,
        name: "Riverside Family Clinic",
        tier: "professional",
      });
      // Healing may touch the simulated Windows host only, never the machine running the demo.
      await cloud.api("PUT", `/api/sites/${siteId}/config`, {
        checkIntervalSec: o.intervalSec ?? 10,
        disabledChecks: [],
        healing: {
          paused: o.healingPaused ?? false,
          dryRun: false,
          enabledRunbooks: RUNBOOK_SPECS.filter((s) => s.platform === "windows").map((s) => s.id),
        },
        maintenanceWindow: null,
      });
      const mac = "02:00:5e:10:00:01";
      await cloud.api("POST", `/api/provision/${mac}`, { siteId, applianceName: "front-desk appliance" });
      const paths = agentPaths(join(dir, "agent"));
      const { statusUrl } = writeBaseConfig(paths, {
        cloudUrl: cloud.url,
        intervalSec: o.intervalSec ?? 10,
        ...(o.simulatedLinux ? { hostProfile: DEMO_HOST_PROFILE } : {}),
        l2: o.planner !== undefined,
        windows: [winrm, ...(workstation ? [workstation] : [])].map((w) => ({
          host: w.host,
          port: w.port,
          username: w.username,
          password: w.password,
        })),
      });
      const enrolled = await provisionByClaim(paths, cloud.url, mac, (fp) => approveClaim(cloud, mac, fp));
      const applianceId = /appliance (\S+) of site/.exec(enrolled.out)?.[1];
      if (!applianceId) throw new Error(`could not read the appliance id from: ${enrolled.out}`);
      const agent = new SupervisedAgent(paths, statusUrl, { echo });
      await agent.start();
      return new Stack(dir, cloud, winrm, workstation, agent, siteId, applianceId, enrolled, o.keep ?? false);
    } catch (e) {
      for (const s of started.reverse()) await s.stop().catch(() => {});
      if (!o.keep) rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Change the simulated Windows host (a JSON merge patch of its state). */
  async patchWindows(patch: Record<string, unknown>): Promise<void> {
    const r = await fetch(`${this.winrm.url}/_sim/state`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(patch),
    });
    if (!r.ok) throw new Error(`POST /_sim/state → ${r.status}: ${await r.text()}`);
  }

  /** The simulated Windows host's state. */
  async windowsState(): Promise<Record<string, unknown>> {
    return (await (await fetch(`${this.winrm.url}/_sim/state`)).json()) as Record<string, unknown>;
  }

  /** Stop everything (agent first, so it does not log a vanished cloud), then remove the temp dir. */
  async stop(): Promise<void> {
    await this.agent.stop().catch(() => {});
    await Promise.all([
      this.cloud.stop().catch(() => {}),
      this.winrm.service.stop().catch(() => {}),
      this.workstation?.service.stop().catch(() => {}),
    ]);
    if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
