import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { publishBinary } from "../../cloud/src/update/client.ts";
import pkg from "../../package.json" with { type: "json" };
import { isChainHeadLine } from "../../protocol/chain-heads.ts";
import { malachorBinary } from "../support/binary.ts";
import { askForCycle } from "./harness/agent.ts";
import { runOrder } from "./harness/orders.ts";
import { brokenRelease, buildAgentVersion } from "./harness/release.ts";
import { Stack } from "./harness/stack.ts";
import { waitFor } from "./harness/wait.ts";

// Remote update of the compiled agent through the real cloud: a newer signed build is installed
// atomically, health-checked and confirmed after the restart; a broken one is rolled back; an
// older one and expired metadata are refused while the agent keeps running.
let stack: Stack;
let v2: string;
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

beforeAll(async () => {
  stack = await Stack.start({ intervalSec: 10 });
  v2 = buildAgentVersion("0.2.0", stack.dir);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
}, 60_000);

type Status = { agentVersion: string; findings: { checkId: string; status: string; actual?: string }[] };

async function publish(file: string, version: string, expiresInSec?: number) {
  return publishBinary({
    cloudUrl: stack.cloud.url,
    adminToken: stack.cloud.adminToken,
    file,
    version,
    expiresInSec,
  });
}

/** Order an update and wait for the agent's answer. */
const orderUpdate = () =>
  runOrder(
    stack.cloud,
    { siteId: stack.siteId, applianceId: stack.applianceId, statusUrl: stack.agent.statusUrl },
    "update_agent",
  );

const status = async () => (await stack.agent.status()) as unknown as Status;

/** Evidence events of the appliance, from the cloud's export. */
async function events(): Promise<{ type: string; details: Record<string, unknown> }[]> {
  const jsonl = await stack.cloud.text(`/api/sites/${stack.siteId}/evidence/export`);
  return jsonl
    .split("\n")
    .filter((l) => l && !isChainHeadLine(JSON.parse(l)))
    .flatMap(
      (l) => (JSON.parse(l) as { events: { type: string; details: Record<string, unknown> }[] }).events,
    );
}

/**
 * Wait for an event at the cloud. Events go into the next cycle's bundle: the agent is asked for
 * a cycle at every poll rather than left to its interval.
 */
const eventAtCloud = (
  what: string,
  match: (e: { type: string; details: Record<string, unknown> }) => boolean,
) =>
  waitFor(
    what,
    async () => {
      if ((await events()).some(match)) return true;
      await askForCycle(stack.agent.statusUrl);
      return false;
    },
    { timeoutMs: 60_000 },
  );

describe("remote update (compiled agent, real cloud)", () => {
  test("a newer signed release is downloaded, verified, swapped, health-checked and confirmed after restart", async () => {
    const before = (await status()).agentVersion;
    expect(before).toBe(pkg.version);
    await publish(v2, "0.2.0");
    const order = await orderUpdate();
    expect(order.completion).toMatchObject({
      status: "succeeded",
      result: { status: "installed", version: "0.2.0" },
    });
    // The supervisor (systemd's role) starts the swapped binary; it confirms after its first cycle.
    await waitFor(
      "the agent to run 0.2.0",
      async () => (await status().catch(() => undefined))?.agentVersion === "0.2.0",
      {
        timeoutMs: 60_000,
      },
    );
    expect(sha(stack.agent.paths.bin)).toBe(sha(v2));
    expect(sha(`${stack.agent.paths.bin}.prev`)).toBe(sha(malachorBinary()));
    expect(stack.agent.unaskedExits.length).toBeGreaterThanOrEqual(1);
    await eventAtCloud(
      "the agent-updated event at the cloud",
      (e) => e.type === "agent-updated" && e.details.to === "0.2.0",
    );
  }, 180_000);

  test("a release failing its health check is rolled back; the agent keeps running the previous version", async () => {
    await publish(brokenRelease("0.3.0", stack.dir), "0.3.0");
    const order = await orderUpdate();
    expect(order.completion?.status).toBe("failed");
    expect(order.completion?.error).toMatch(/self-test exited 1/);
    expect(order.completion?.result).toMatchObject({ status: "rolled-back", version: "0.3.0" });
    expect(sha(stack.agent.paths.bin)).toBe(sha(v2));
    expect((await status()).agentVersion).toBe("0.2.0");
    await eventAtCloud(
      "the rollback event at the cloud",
      (e) => e.type === "update-refused" && e.details.code === "health-check-failed",
    );
  }, 180_000);

  test("an older release is never installed", async () => {
    await publish(brokenRelease("0.1.9", stack.dir), "0.1.9");
    const order = await orderUpdate();
    expect(order.completion).toMatchObject({
      status: "succeeded",
      result: { status: "skipped", code: "not-newer" },
    });
    expect(sha(stack.agent.paths.bin)).toBe(sha(v2));
    await eventAtCloud(
      "the refusal event at the cloud",
      (e) => e.type === "update-refused" && e.details.version === "0.1.9",
    );
  }, 180_000);

  test("expired metadata: the agent keeps running and raises a warning finding", async () => {
    await publish(brokenRelease("0.5.0", stack.dir), "0.5.0", 1);
    await Bun.sleep(1_500);
    const order = await orderUpdate();
    expect(order.completion?.status).toBe("failed");
    expect(order.completion?.error).toMatch(/expired at .*staying on 0\.2\.0/);
    const s = await waitFor(
      "the agent.update-metadata warning",
      async () => {
        await askForCycle(stack.agent.statusUrl);
        const st = await status();
        return st.findings.find((f) => f.checkId === "agent.update-metadata" && f.status === "warn")
          ? st
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(s.agentVersion).toBe("0.2.0");
    expect(stack.agent.service?.running).toBe(true);
  }, 180_000);

  test("malachor update check tells a technician the same", () => {
    const r = Bun.spawnSync([stack.agent.paths.bin, "update", "check", "--config", stack.agent.paths.config]);
    const out = `${r.stdout.toString()}${r.stderr.toString()}`;
    expect(r.exitCode).toBe(1);
    expect(out).toMatch(/no update: update metadata for 0\.5\.0 expired at .*staying on 0\.2\.0/);
  });

  test("re-signed metadata makes a release current again; malachor update apply installs it by hand", async () => {
    await stack.cloud.api("POST", "/api/releases/0.2.0/sign", { expiresInSec: 3600 });
    // A technician's 0.1.0 binary elsewhere, with its own state dir, updated from the command line.
    const dir = join(stack.dir, "by-hand");
    mkdirSync(join(dir, "state"), { recursive: true });
    const target = join(dir, "malachor");
    copyFileSync(malachorBinary(), target);
    const config = join(dir, "config.toml");
    writeFileSync(
      config,
      readFileSync(stack.agent.paths.config, "utf8").replace(
        /^state_dir = .*$/m,
        `state_dir = "${join(dir, "state")}"`,
      ),
    );
    const r = Bun.spawnSync([target, "update", "apply", "--config", config]);
    const out = `${r.stdout.toString()}${r.stderr.toString()}`;
    expect(r.exitCode).toBe(0);
    expect(out).toMatch(/installed 0\.2\.0 at .*; restart the malachor service/);
    expect(sha(target)).toBe(sha(v2));
    expect(sha(`${target}.prev`)).toBe(sha(malachorBinary()));
    // The new binary confirms at its first daemon cycle; the marker is in this binary's state dir.
    expect(existsSync(join(dir, "state", "update-pending.json"))).toBe(true);
    expect(existsSync(join(stack.agent.paths.stateDir, "update-pending.json"))).toBe(false);
  }, 120_000);
});
