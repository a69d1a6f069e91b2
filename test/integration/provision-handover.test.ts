/**
 * Re-enrolment strands no evidence (agent/src/provision/README.md): the real daemon (agent/src/
 * daemon, driven cycle by cycle) and the compiled `malachor` (provision enroll, status, evidence
 * verify) against the real cloud app on a loopback port, in the two ways an appliance comes to
 * enrol while holding evidence: run offline with a hand-written config, and deleted in the cloud.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { loadConfig } from "../../agent/src/config/load.ts";
import { cloudClient } from "../../agent/src/daemon/agent.ts";
import { testDaemon } from "../../agent/src/daemon/daemon.fixture.ts";
import { appliances } from "../../cloud/src/db/schema/appliances.ts";
import { malachorBinary } from "../support/binary.ts";
import { freePort } from "../support/ports.ts";
import { fakeSysfs, type LoopbackCloud, startLoopbackCloud } from "./provision-cloud.ts";

let cloud: LoopbackCloud;
let admin: string;
const dirs: string[] = [];

beforeAll(async () => {
  malachorBinary();
  cloud = await startLoopbackCloud();
  admin = await cloud.cloud.adminToken("msp-admin");
}, 120_000);
afterAll(async () => {
  await cloud.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The compiled binary, asynchronously (the cloud answering it lives in this process). */
async function malachor(args: string[], onErr?: (line: string) => void) {
  const p = Bun.spawn([malachorBinary(), ...args], { stdout: "pipe", stderr: "pipe" });
  let err = "";
  const errDone = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of p.stderr) {
      const text = dec.decode(chunk);
      err += text;
      for (const line of text.split("\n").filter(Boolean)) onErr?.(line);
    }
  })();
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  await errDone;
  return { out, err, code };
}

/** An appliance's files: config, base settings, state, a fake /sys with its MAC. */
function applianceDir(mac: string) {
  const dir = mkdtempSync(join(tmpdir(), "malachor-handover-"));
  dirs.push(dir);
  const config = join(dir, "config.toml");
  fakeSysfs(join(dir, "sys"), [{ name: "eth0", mac }]);
  return { dir, config, state: join(dir, "state"), sysfs: join(dir, "sys") };
}

/** `malachor provision enroll` for an appliance's files, with `extra` flags. */
const enrollArgs = (a: ReturnType<typeof applianceDir>, extra: string[]) => [
  "provision",
  "enroll",
  "--cloud",
  cloud.url,
  "--config",
  a.config,
  "--sysfs",
  a.sysfs,
  ...extra,
];

/** The real daemon for `configPath`, stepped by the test instead of its timer. */
function daemonOf(configPath: string) {
  // Every cycle signs a whole bundle ("full"), so the counts below are cycles; the hand-over itself
  // does not depend on how cycles are encoded.
  const loaded = loadConfig(configPath);
  const config = { ...loaded, checks: { ...loaded.checks, evidence: "full" as const } };
  const { d, state, chain } = testDaemon(config, {
    client: cloudClient(config).client,
    hostName: "clinic-appliance",
  });
  const cycles = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await d.runCycle();
      await d.cloudStep();
    }
  };
  return { d, chain, queue: state.queue, cycles };
}

/** The site's export and keys from the cloud, verified by `malachor evidence verify` (the verdict of record). */
async function verifyExport(siteId: string, dir: string) {
  const exp = await cloud.cloud.call("GET", `/api/sites/${siteId}/evidence/export`, { bearer: admin });
  const keys = await cloud.cloud.call("GET", `/api/sites/${siteId}/keys?format=text`, { bearer: admin });
  expect([exp.status, keys.status]).toEqual([200, 200]);
  writeFileSync(join(dir, "export.jsonl"), await exp.text());
  writeFileSync(join(dir, "keys.txt"), await keys.text());
  return malachor([
    "evidence",
    "verify",
    join(dir, "export.jsonl"),
    "--pubkey",
    join(dir, "keys.txt"),
    "--json",
  ]);
}

async function cloudHead(applianceId: string) {
  const [row] = await cloud.cloud.deps.db
    .select({ chainSeq: appliances.chainSeq, deletedAt: appliances.deletedAt })
    .from(appliances)
    .where(eq(appliances.id, applianceId));
  return row;
}

describe("re-enrolment hands the evidence chain over", () => {
  test("offline with a hand-written config (21 bundles), then `malachor provision enroll`", async () => {
    const mac = "02:00:5e:00:00:21";
    const a = applianceDir(mac);
    await cloud.register("02:00:5e:00:00:ff", "clinic-offline"); // creates the site
    writeFileSync(
      a.config,
      `[cloud]\nurl = "${cloud.url}"\napi_key_file = "${join(a.state, "api-key")}"\n\n[appliance]\nsite_id = "clinic-offline"\nappliance_id = "app-handwritten"\nstate_dir = "${a.state}"\n`,
    );
    const offline = daemonOf(a.config);
    await offline.cycles(21);
    expect(offline.chain.head().seq).toBe(21);
    expect(offline.queue.stats().streams.evidence.depth).toBe(21);
    await offline.d.stop();

    const code = await cloud.register(mac, "clinic-offline");
    const enrolled = await malachor(enrollArgs(a, ["--code", code]));
    expect(enrolled.err).toContain("handing over the evidence chain of app-handwritten (#21)");
    expect(enrolled.err).toContain("evidence chain closed at #22 and handed over to app-");
    expect(enrolled.code).toBe(0);
    const applianceId = loadConfig(a.config).appliance.appliance_id;

    const online = daemonOf(a.config);
    await online.cycles(2);
    expect(online.queue.stats().streams.evidence.depth).toBe(0);
    expect(online.d.snapshot().warnings).toEqual([]);
    await online.d.stop();
    expect(await cloudHead("app-handwritten")).toMatchObject({ chainSeq: 22 });
    expect(await cloudHead(applianceId)).toMatchObject({ chainSeq: 3, deletedAt: null });

    const v = await verifyExport("clinic-offline", a.dir);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out)).toMatchObject({
      ok: true,
      count: 25,
      heads: { "app-handwritten": { seq: 22 }, [applianceId]: { seq: 3 } },
    });
  }, 120_000);

  test("deleted in the cloud: stuck upload warned, then re-enrolled by claim and every bundle arrives", async () => {
    const mac = "02:00:5e:00:00:22";
    const a = applianceDir(mac);
    const code = await cloud.register(mac, "clinic-deleted");
    writeFileSync(
      join(a.dir, "base.toml"),
      `[appliance]\nstate_dir = "${a.state}"\n\n[status]\nbind = "127.0.0.1:${freePort()}"\n`,
    );
    const first = await malachor(enrollArgs(a, ["--code", code, "--base", join(a.dir, "base.toml")]));
    expect(first.code).toBe(0);
    const oldId = loadConfig(a.config).appliance.appliance_id;

    const running = daemonOf(a.config);
    await running.cycles(3);
    expect(await cloudHead(oldId)).toMatchObject({ chainSeq: 3 });
    const del = await cloud.cloud.call("DELETE", `/api/appliances/${oldId}`, { bearer: admin });
    expect(del.status).toBe(200);
    // The cloud now refuses the API key: evidence piles up, and after three steps it is a warning…
    await running.cycles(4);
    const warning = running.d.snapshot().warnings.find((w) => w.code === "evidence-upload-stuck");
    expect(warning?.message).toContain("re-enrol with `malachor provision enroll`");
    // …and a failing finding in the next bundle.
    const [latest] = running.chain.bundlesAfter(running.chain.head().seq - 1);
    expect(latest!.findings.find((f) => f.checkId === "agent.evidence-upload")).toMatchObject({
      status: "fail",
    });
    await running.d.stop();
    const status = await malachor(["status", "--config", a.config]);
    expect(status.out).toContain("warning      evidence-upload-stuck: evidence upload stuck since");
    expect(status.code).toBe(3); // the daemon is not running: its saved state is shown

    // The technician registers the MAC again; the appliance claims it and shows its fingerprint.
    await cloud.register(mac, "clinic-deleted");
    let approved: Promise<unknown> | undefined;
    const claimed = await malachor(enrollArgs(a, ["--retry-sec", "1"]), (line) => {
      const fp = /key fingerprint ([0-9a-f]{4}(?:-[0-9a-f]{4}){3}): approve only/.exec(line)?.[1];
      if (fp && !approved) approved = cloud.approve(mac, fp);
    });
    await approved;
    expect(claimed.err).toContain(`handing over the evidence chain of ${oldId} (#7)`);
    expect(claimed.code).toBe(0);
    const newId = loadConfig(a.config).appliance.appliance_id;
    expect(newId).not.toBe(oldId);

    const after = daemonOf(a.config);
    await after.cycles(3);
    expect(after.queue.stats().streams.evidence.depth).toBe(0);
    expect(after.d.snapshot().warnings).toEqual([]);
    const [last] = after.chain.bundlesAfter(after.chain.head().seq - 1);
    expect(last!.findings.find((f) => f.checkId === "agent.evidence-upload")).toMatchObject({
      status: "pass",
    });
    await after.d.stop();
    expect(await cloudHead(oldId)).toMatchObject({ chainSeq: 8 });
    expect(await cloudHead(newId)).toMatchObject({ chainSeq: 4 });

    const v = await verifyExport("clinic-deleted", a.dir);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out)).toMatchObject({
      ok: true,
      heads: { [oldId]: { seq: 8 }, [newId]: { seq: 4 } },
    });
  }, 120_000);
});
