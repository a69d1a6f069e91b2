import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSmtpTestServer } from "../../../lib/mail/smtp-test-server.ts";
import { catalogueOf } from "../../../lib/runbook-types.ts";
import { DEFAULT_SITE_CONFIG } from "../../../protocol/sync.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import { RUNBOOK_SPECS, runbookById } from "../../../runbooks/index.ts";
import { loadConfig } from "../config/load.ts";
import { writeSecretFile } from "../config/secret.ts";
import { openChain } from "../daemon/agent.ts";
import { openState } from "../daemon/state.ts";
import { writeTestConfig } from "../daemon/test-config.fixture.ts";
import { jsonLogger } from "../log/logger.ts";
import { catalogueRunner } from "./catalogue-runner.ts";
import { healerFromConfig } from "./from-config.ts";
import { startWebhookReceiver } from "./testing/receivers.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-heal-plugin-"));
const hook = startWebhookReceiver("plug-secret");
const smtp = await startSmtpTestServer();
afterAll(async () => {
  hook.stop();
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the daemon's healer is built from [heal] and [notify]; without a cloud key novel drift goes to people", async () => {
  writeSecretFile(join(dir, "hook.secret"), "plug-secret");
  const path = writeTestConfig(dir, {
    extra: [
      "[heal]",
      'max_blast_radius = "medium"',
      "[[notify.webhooks]]",
      `url = "${hook.url}"`,
      'secret_file = "hook.secret"',
      "[notify.smtp]",
      `url = "${smtp.url}"`,
      'from = "malachor@clinic.example"',
      'to = ["it@msp.example"]',
    ].join("\n"),
  });
  const config = loadConfig(path);
  const state = openState(config);
  const { chain } = openChain(config, state, true);
  const logs: string[] = [];
  const healer = healerFromConfig({
    config,
    db: state.db,
    queue: state.queue,
    chain,
    runner: catalogueRunner({ runbook: runbookById, executorFor: () => undefined }),
    catalogue: catalogueOf(RUNBOOK_SPECS),
    log: jsonLogger({ out: (l) => logs.push(l), err: (l) => logs.push(l) }),
  });
  expect(healer.rulesVersion).toBe(0);
  const r = await healer.heal(
    [
      sampleFinding({
        checkId: "linux.disk-space",
        host: "appliance",
        status: "fail",
        title: "disk 97% full",
      }),
    ],
    DEFAULT_SITE_CONFIG,
  );
  expect(r.escalated[0]).toMatchObject({ tier: "L3", checkId: "linux.disk-space" });
  expect(r.escalated[0]!.summary).toContain("L2 planning is off");
  expect(hook.received.at(-1)!.verified).toBe(true);
  expect(smtp.received.at(-1)!.to).toEqual(["it@msp.example"]);
  expect(state.queue.peek("incidents", 5)).toHaveLength(1);
  // No API key file in this config: the log says why L2 is off.
  expect(logs.join("\n")).toContain("L2 planning is off");
  state.db.close();
});
