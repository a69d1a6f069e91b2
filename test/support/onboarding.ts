/**
 * What the onboarding suites (test/integration/onboard-*.test.ts) share: the real daemon started
 * against a loopback cloud with its log captured, polling for a state, and every place a secret
 * could leak to, as text.
 */
import { join } from "node:path";
import { loadConfig } from "../../agent/src/config/load.ts";
import { writeSecretFile } from "../../agent/src/config/secret.ts";
import { type RunningAgent, startDaemon } from "../../agent/src/daemon/start.ts";
import { writeTestConfig } from "../../agent/src/daemon/test-config.fixture.ts";
import { jsonLogger } from "../../agent/src/log/logger.ts";
import { cloudHaystacks, filesText } from "../../cloud/src/testing/haystacks.ts";
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

/**
 * `until` for a state a check cycle brings about: the daemon is asked for a cycle at every poll
 * that finds it not yet there (a request during a cycle runs the next one right after it), as the
 * interval of the synced site config (a minute) is too long to wait out.
 */
export function untilCycled<T>(
  agent: RunningAgent,
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  ms?: number,
): Promise<T> {
  return until(
    what,
    async () => {
      const v = await f();
      if (v === undefined) agent.daemon.nudge();
      return v;
    },
    ms,
  );
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
    ...(await cloudHaystacks(cloud)),
    "appliance state": filesText(join(dir, "state")),
    "appliance log": agentLog.join("\n"),
  };
}
