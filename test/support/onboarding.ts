/**
 * What the onboarding suites (test/integration/onboard-*.test.ts) share: the real daemon started
 * against a loopback cloud with its log captured, polling for a state, and every place a secret
 * could leak to, as text.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { loadConfig } from "../../agent/src/config/load.ts";
import { writeSecretFile } from "../../agent/src/config/secret.ts";
import { type RunningAgent, startDaemon } from "../../agent/src/daemon/start.ts";
import { writeTestConfig } from "../../agent/src/daemon/test-config.fixture.ts";
import { jsonLogger } from "../../agent/src/log/logger.ts";
import { rowsOf } from "../../cloud/src/db/rows.ts";
import type { TestAppliance, TestCloud } from "../../cloud/src/testing/test-cloud.ts";
import type { LoopbackCloud } from "../integration/provision-cloud.ts";

/** Poll `f` every 100 ms until it returns a value; a probe that throws fails the wait at once. */
export async function until<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

/** Every file below `root`, read as latin1 and concatenated. */
function filesText(root: string): string {
  let out = "";
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    out += statSync(p).isDirectory() ? filesText(p) : readFileSync(p, "latin1");
  }
  return out;
}

/** Every row of every table of the cloud's database, as Postgres prints a row. */
async function cloudDump(cloud: TestCloud): Promise<string> {
  return cloud.withOwnerDb(async (db) => {
    const tables = rowsOf<{ name: string }>(
      await db.execute(
        sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      ),
    );
    const parts: string[] = [];
    for (const t of tables)
      for (const r of rowsOf<{ r: string }>(
        await db.execute(sql.raw(`SELECT t::text AS r FROM "${t.name}" t`)),
      ))
        parts.push(r.r);
    return parts.join("\n");
  });
}

/** The real daemon of an onboarding test and every line it logged. */
export interface OnboardingAgent {
  agent: RunningAgent;
  log: string[];
}

/**
 * Start the real daemon in `dir` for `appliance`, enrolled at `cloud` with the identity the cloud
 * issued (the seal key announcement is signed by it); `extra` is appended to its config file.
 */
export async function startOnboardingAgent(
  cloud: LoopbackCloud,
  appliance: TestAppliance,
  dir: string,
  extra: string,
): Promise<OnboardingAgent> {
  const path = writeTestConfig(dir, {
    cloudUrl: cloud.url,
    apiKey: appliance.apiKey,
    publicKey: cloud.cloudPublicKey,
    extra,
  });
  writeSecretFile(join(dir, "state", "identity.key"), `${appliance.key.secretKey}\n`);
  const log: string[] = [];
  const agent = await startDaemon(loadConfig(path), {
    log: jsonLogger({ level: "debug", out: (l) => log.push(l), err: (l) => log.push(l) }),
  });
  return { agent, log };
}

/** Where a secret must not appear, by name: the cloud's database, log and objects, the appliance's state and log. */
export async function secretHaystacks(
  cloud: TestCloud,
  dir: string,
  agentLog: readonly string[],
): Promise<Record<string, string>> {
  return {
    "cloud database": await cloudDump(cloud),
    "cloud log": JSON.stringify((cloud.deps.logger as { lines?: unknown[] }).lines ?? []),
    "cloud object store": filesText(cloud.dataDir),
    "appliance state": filesText(join(dir, "state")),
    "appliance log": agentLog.join("\n"),
  };
}
