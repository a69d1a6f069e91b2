import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { loadConfig } from "../config/load.ts";
import { writeSecretFile } from "../config/secret.ts";
import { openChain } from "../daemon/agent.ts";
import { openState } from "../daemon/state.ts";
import { writeTestConfig } from "../daemon/test-config.fixture.ts";
import { escalate } from "../heal/l3/escalate.ts";
import { HealStore } from "../heal/store.ts";
import { startWebhookReceiver } from "../heal/testing/receivers.ts";
import { main } from "../main.ts";
import { configFromArgs } from "./config-arg.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-cli-incident-"));
const hook = startWebhookReceiver("cli-secret");
afterAll(() => {
  hook.stop();
  rmSync(dir, { recursive: true, force: true });
});
writeSecretFile(join(dir, "hook.secret"), "cli-secret");
const configPath = writeTestConfig(dir, {
  extra: `[[notify.webhooks]]\nurl = "${hook.url}"\nsecret_file = "hook.secret"\n`,
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

test("malachor incident list and resolve", async () => {
  // An incident opened by the healer (the daemon is not running: the CLI works on the state db).
  const config = configFromArgs(configPath, loadConfig);
  const state = openState(config);
  const { chain } = openChain(config, state, true);
  const deps = {
    store: new HealStore(state.db),
    outbox: state.queue,
    evidence: chain,
    notifiers: [],
    siteId: "site-a",
    applianceId: "app-1",
    now: () => new Date("2026-11-25T10:00:00Z"),
    newId: () => "inc-cli-1",
  };
  await escalate(
    deps,
    sampleFinding({ checkId: "windows.bitlocker", host: "EXAM-3", status: "fail" }),
    "L3",
    "no TPM",
  );
  state.db.close();

  const listed = await run("incident", "list", "--config", configPath);
  expect(listed.code).toBe(0);
  expect(listed.out).toContain("inc-cli-1");
  expect(listed.out).toContain("windows.bitlocker");

  expect((await run("incident", "resolve", "inc-cli-1", "--config", configPath, "--note", "x")).code).toBe(2);
  const nope = await run(
    "incident",
    "resolve",
    "inc-nope",
    "--config",
    configPath,
    "--by",
    "Ana",
    "--note",
    "x",
  );
  expect(nope.err).toContain("no incident inc-nope");
  expect(nope.code).toBe(1);
  const r = await run(
    "incident",
    "resolve",
    "inc-cli-1",
    "--config",
    configPath,
    "--by",
    "Ana Tech",
    "--note",
    "TPM on, BitLocker on",
  );
  expect(r.code).toBe(0);
  expect(r.out).toBe("resolved inc-cli-1 (windows.bitlocker on EXAM-3) by Ana Tech");
  expect(hook.received.at(-1)).toMatchObject({ verified: true, body: { event: "incident.resolved" } });
  expect((await run("incident", "list", "--config", configPath)).out).toBe("no open incidents");
  const all = JSON.parse(
    (await run("incident", "list", "--status", "all", "--json", "--config", configPath)).out,
  );
  expect(all.incidents[0]).toMatchObject({ status: "resolved", resolvedBy: "Ana Tech" });
  expect(
    (await run("incident", "resolve", "inc-cli-1", "--config", configPath, "--by", "Ana", "--note", "x")).err,
  ).toContain("already resolved");
  expect((await run("incident", "frobnicate")).code).toBe(2);
});
