import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyChain } from "../../../protocol/chain.ts";
import { keyFingerprint } from "../../../protocol/provision.ts";
import {
  fakeMedium,
  fakeSysfs,
  type LoopbackCloud,
  startLoopbackCloud,
} from "../../../test/integration/provision-cloud.ts";
import { loadConfig } from "../config/load.ts";
import { openChain } from "../daemon/agent.ts";
import { openState } from "../daemon/state.ts";
import { ChainStore } from "../evidence/chain-store.ts";
import { loadIdentity } from "../evidence/identity.ts";
import { type ProvisionEnv, provisionAuto, provisionEnroll, withRetry } from "./auto.ts";
import { ProvisionError } from "./errors.ts";
import { rekeyIdentity } from "./rekey.ts";

const ETH0 = "00:1a:2b:3c:4d:5e";
const WLAN0 = "00:1a:2b:3c:4d:99";

let dir: string;
let cloud: LoopbackCloud;
let env: ProvisionEnv;
let stateDir: string;

// One real cloud (in-memory PGlite) for the file: opening a database per test would be slow.
beforeAll(async () => {
  cloud = await startLoopbackCloud();
}, 60_000);
afterAll(() => cloud.stop());

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "malachor-provision-"));
  await cloud.unregister(ETH0);
  await cloud.unregister(WLAN0);
  cloud.requests.length = 0;
  stateDir = join(dir, "state");
  // The base config is what the NixOS module renders from its settings.
  writeFileSync(
    join(dir, "base.toml"),
    `[cloud]\nurl = "${cloud.url}"\n\n[appliance]\nstate_dir = "${stateDir}"\n`,
  );
  env = {
    configPath: join(stateDir, "config.toml"),
    basePath: join(dir, "base.toml"),
    mediaRoots: [join(dir, "media"), join(dir, "run-media"), join(dir, "mnt-usb")],
    sysfsRoot: fakeSysfs(join(dir, "sys"), [
      { name: "lo", mac: "00:00:00:00:00:00", type: 772, virtual: true },
      { name: "docker0", mac: "02:42:ac:11:00:01", virtual: true },
      { name: "wlan0", mac: WLAN0, wireless: true },
      { name: "eth0", mac: ETH0 },
    ]),
    hostname: "clinic-appliance",
  };
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

async function expectProvisioned(siteId: string) {
  const config = loadConfig(env.configPath);
  expect(config.appliance.site_id).toBe(siteId);
  expect(config.cloud.public_key).toBe(cloud.cloudPublicKey);
  const id = loadIdentity(config.appliance.identity_key_file);
  expect(await cloud.keyOf(config.appliance.appliance_id)).toBe(id.publicKey);
  expect(mode(config.appliance.identity_key_file)).toBe("600");
  expect(mode(config.cloud.api_key_file)).toBe("600");
  expect(readFileSync(config.cloud.api_key_file, "utf8")).toStartWith("mlk_");
  return config;
}

/** Nothing written into the state dir beyond, at most, `allowed` (the pending enrolment key). */
function expectNothingWritten(allowed: string[] = []) {
  expect(existsSync(env.configPath)).toBe(false);
  expect(existsSync(stateDir) ? readdirSync(stateDir) : []).toEqual(allowed);
}

/** The fingerprint of the key this appliance is enrolling with, as its console shows it. */
const consoleFingerprint = () => keyFingerprint(loadIdentity(join(stateDir, "identity.key.enrol")).publicKey);

/** Claim, get told to wait, have a technician approve the claim showing our fingerprint, claim again. */
async function claimApproveAndEnrol(mac: string) {
  const wait = await provisionAuto(env).catch((e) => e);
  expect(wait).toBeInstanceOf(ProvisionError);
  expect(wait.retryable).toBe(true);
  expect(wait.message).toContain(`for ${mac}`);
  expect(wait.message).toContain(`key fingerprint ${consoleFingerprint()}`);
  expect(existsSync(env.configPath)).toBe(false);
  const fingerprint = consoleFingerprint();
  await cloud.approve(mac, fingerprint);
  const r = await provisionAuto(env);
  expect(r.status).toBe("provisioned");
  return { r, fingerprint };
}

describe("provision auto", () => {
  test("USB config: enrolls with its code and keeps its settings", async () => {
    const code = await cloud.register("11:22:33:44:55:66", "site-usb");
    fakeMedium(
      join(dir, "run-media", "tech"),
      "STICK",
      `[cloud]\nurl = "${cloud.url}"\n\n[checks]\ninterval_sec = 300\n\n[enroll]\ncode = "${code}"\n`,
    );
    const r = await provisionAuto(env);
    expect(r.status).toBe("provisioned");
    if (r.status === "provisioned") expect(r.source).toEndWith(join("STICK", "malachor", "config.toml"));
    const config = await expectProvisioned("site-usb");
    expect(config.checks.interval_sec).toBe(300);
    expect(config.appliance.state_dir).toBe(stateDir);
    // The code came from the stick: nobody asked the cloud by MAC.
    expect(cloud.requests).toEqual(["POST /agent/enroll"]);
  });

  test("MAC claim: the wired interface first; enrols once a technician approves its fingerprint", async () => {
    await cloud.register(ETH0, "site-mac");
    const { fingerprint } = await claimApproveAndEnrol(ETH0);
    const config = await expectProvisioned("site-mac");
    // The key the technician compared is the appliance's identity key now.
    expect(keyFingerprint(loadIdentity(config.appliance.identity_key_file).publicKey)).toBe(fingerprint);
    const claim = `POST /api/provision/${encodeURIComponent(ETH0)}/claim`;
    expect(cloud.requests).toEqual([claim, claim]);
    expect((await cloud.claims(ETH0)).map((c) => c.state)).toEqual(["enrolled"]);
  });

  test("MAC claim falls back to the wireless interface", async () => {
    await cloud.register(WLAN0, "site-wifi");
    await claimApproveAndEnrol(WLAN0);
    await expectProvisioned("site-wifi");
    expect(cloud.requests.filter((r) => r.includes(encodeURIComponent(ETH0)))).toHaveLength(2);
  });

  test("a rogue's earlier claim for the same MAC neither blocks nor gets anything", async () => {
    await cloud.register(ETH0, "site-mac");
    // Someone else who knows the MAC claims it first, from another box.
    const rogueDir = mkdtempSync(join(tmpdir(), "malachor-rogue-"));
    try {
      const rogue = {
        ...env,
        configPath: join(rogueDir, "state", "config.toml"),
        basePath: undefined,
        cloudUrl: cloud.url,
      };
      const rogueWait = await provisionAuto(rogue).catch((e) => e);
      expect(rogueWait.message).toContain("waits for a technician's approval");
      await claimApproveAndEnrol(ETH0);
      await expectProvisioned("site-mac");
      const again = await provisionAuto(rogue).catch((e) => e);
      expect(again.retryable).toBe(false);
      expect(again.message).toContain("superseded");
      expect(existsSync(rogue.configPath)).toBe(false);
    } finally {
      rmSync(rogueDir, { recursive: true, force: true });
    }
  });

  test("re-run: a provisioned appliance is left alone and the cloud is not asked", async () => {
    await cloud.register(ETH0, "site-mac");
    await claimApproveAndEnrol(ETH0);
    const before = readFileSync(env.configPath, "utf8");
    const key = readFileSync(join(stateDir, "identity.key"), "utf8");
    cloud.requests.length = 0;
    const again = await provisionAuto(env);
    expect(again.status).toBe("already-provisioned");
    expect(cloud.requests).toEqual([]);
    expect(readFileSync(env.configPath, "utf8")).toBe(before);
    expect(readFileSync(join(stateDir, "identity.key"), "utf8")).toBe(key);
  });

  test("re-run after a NixOS rebuild changed the base: settings merged in, identity kept", async () => {
    await cloud.register(ETH0, "site-mac");
    await claimApproveAndEnrol(ETH0);
    const before = loadConfig(env.configPath);
    writeFileSync(
      env.basePath!,
      `[cloud]\nurl = "https://elsewhere.example"\n\n[appliance]\nstate_dir = "${stateDir}"\nsite_id = "forged"\n\n[checks]\ninterval_sec = 120\n`,
    );
    cloud.requests.length = 0;
    const r = await provisionAuto(env);
    expect(r.status).toBe("updated");
    const after = loadConfig(env.configPath);
    expect(after.checks.interval_sec).toBe(120);
    // What enrollment decided is pinned: cloud, ids, key files.
    expect(after.cloud).toEqual(before.cloud);
    expect(after.appliance).toEqual(before.appliance);
    expect(mode(env.configPath)).toBe("600");
    expect(cloud.requests).toEqual([]);
    const text = readFileSync(env.configPath, "utf8");
    expect((await provisionAuto(env)).status).toBe("already-provisioned");
    expect(readFileSync(env.configPath, "utf8")).toBe(text);
  });

  test("re-run after the cloud was unreachable: same pending key, then provisioned", async () => {
    await cloud.register(ETH0, "site-mac");
    const down = {
      ...env,
      fetch: (() => Promise.reject(new TypeError("fetch failed"))) as unknown as typeof fetch,
    };
    const err = await provisionAuto(down).catch((e) => e);
    expect(err).toBeInstanceOf(ProvisionError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain("cannot reach");
    expectNothingWritten(["identity.key.enrol"]);
    const key = readFileSync(join(stateDir, "identity.key.enrol"), "utf8");
    // A 503 is retried too, with the same key.
    const busy = {
      ...env,
      fetch: (() => Promise.resolve(new Response("", { status: 503 }))) as unknown as typeof fetch,
    };
    expect((await provisionAuto(busy).catch((e) => e)).retryable).toBe(true);
    await claimApproveAndEnrol(ETH0);
    const config = await expectProvisioned("site-mac");
    expect(readFileSync(config.appliance.identity_key_file, "utf8")).toBe(key);
    expect(existsSync(join(stateDir, "identity.key.enrol"))).toBe(false);
  });

  test("withRetry keeps trying retryable failures and stops on the others", async () => {
    const lines: string[] = [];
    let n = 0;
    const ok = await withRetry(
      async () => {
        if (++n < 3) throw new ProvisionError("cloud down", true);
        return "done";
      },
      7,
      (l) => lines.push(l),
      async () => {},
    );
    expect(ok).toBe("done");
    expect(lines).toEqual(Array(2).fill("provision: cloud down; retrying in 7 s"));
    const fatal = await withRetry(
      async () => {
        throw new ProvisionError("bad stick");
      },
      7,
      () => {},
      async () => {},
    ).catch((e) => e);
    expect(fatal.message).toBe("bad stick");
  });

  test("no registration for any MAC: retryable error naming the MACs, only the pending key written", async () => {
    const err = await provisionAuto(env).catch((e) => e);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(`${ETH0} (eth0), ${WLAN0} (wlan0)`);
    expect(err.message).toContain("registers the MAC");
    expectNothingWritten(["identity.key.enrol"]);
  });

  test("a clock far from the cloud's is named and retried, not final", async () => {
    await cloud.register(ETH0, "site-mac");
    const skewed = { ...env, now: () => new Date(Date.now() - 3_600_000) };
    const err = await provisionAuto(skewed).catch((e) => e);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain("set the appliance's clock");
    expect(await cloud.claims(ETH0)).toEqual([]);
  });

  test("a rejected claim is final", async () => {
    await cloud.register(ETH0, "site-mac");
    await provisionAuto(env).catch((e) => e);
    const [claim] = await cloud.claims(ETH0);
    const r = await cloud.cloud.call("POST", `/api/provision-claims/${claim!.id}/reject`, {
      bearer: await cloud.cloud.adminToken("msp-tech"),
      body: { reason: "not ours" },
    });
    expect(r.status).toBe(200);
    const err = await provisionAuto(env).catch((e) => e);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("was rejected");
    expect(existsSync(env.configPath)).toBe(false);
  });

  test("a refused enroll code is final and writes no config", async () => {
    const code = await cloud.register(ETH0, "site-mac");
    await provisionEnroll(env, { cloudUrl: cloud.url, code });
    rmSync(env.configPath);
    // A stick still carrying the code that was just used.
    fakeMedium(join(dir, "media"), "STICK", `[enroll]\ncode = "${code}"\n`);
    const err = await provisionAuto(env).catch((e) => e);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("answered 401: enroll code is unknown, already used or expired");
    expect(existsSync(env.configPath)).toBe(false);
  });

  test("an existing but broken config is reported, never overwritten", async () => {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(env.configPath, "[cloud]\nurl = 1\n");
    const err = await provisionAuto(env).catch((e) => e);
    expect(err.message).toContain("exists but is not usable");
    expect(err.message).toContain("cloud.url");
    expect(readFileSync(env.configPath, "utf8")).toBe("[cloud]\nurl = 1\n");
  });

  test.each([
    {
      name: "TOML syntax",
      toml: '[cloud]\nurl = "https://c.example"\n[checks\n',
      error: "config.toml:3: not valid TOML",
    },
    {
      name: "unknown key",
      toml: '[cloud]\nurl = "https://c.example"\n\n[checks]\nintervl = 60\n\n[enroll]\ncode = "ABCD-EFGH-JKLM-NPQR"\n',
      error: "config.toml:5: checks.intervl: unknown key",
    },
    {
      name: "value out of range",
      toml: '[cloud]\nurl = "https://c.example"\n[checks]\ninterval_sec = 5\n',
      error: "config.toml:4: checks.interval_sec:",
    },
    {
      name: "malformed enroll code",
      toml: '[cloud]\nurl = "https://c.example"\n[enroll]\ncode = "abc"\n',
      error: "config.toml:4: enroll.code: must look like ABCD-EFGH-JKLM-NPQR",
    },
    {
      name: "unknown key in [enroll]",
      toml: '[cloud]\nurl = "https://c.example"\n[enroll]\ncode = "ABCD-EFGH-JKLM-NPQR"\nsite = "x"\n',
      error: "config.toml:5: enroll.site: unknown key",
    },
  ])(
    "bad USB config ($name): clear error, nothing half-written, cloud not asked",
    async ({ toml, error }) => {
      await cloud.register(ETH0, "site-mac");
      cloud.requests.length = 0;
      fakeMedium(join(dir, "mnt-usb"), "", toml);
      const err = await provisionAuto({ ...env, mediaRoots: [join(dir, "mnt-usb")] }).catch((e) => e);
      expect(err.message).toContain(error);
      expect(err.message).toContain(join("mnt-usb", "malachor", "config.toml"));
      expectNothingWritten();
      expect(cloud.requests).toEqual([]);
    },
  );
});

describe("provision enroll and rekey", () => {
  test("interrupted after the cloud granted the enrolment: a re-run resumes without asking again", async () => {
    // An appliance that already holds evidence under hand-written ids.
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(
      env.configPath,
      `[cloud]\nurl = "${cloud.url}"\n\n[appliance]\nsite_id = "site-mac"\nappliance_id = "app-offline"\nstate_dir = "${stateDir}"\n`,
    );
    const offline = loadConfig(env.configPath);
    const state = openState(offline);
    const { chain } = openChain(offline, state, true);
    for (let i = 0; i < 3; i++)
      chain.append({ kind: "event", createdAt: new Date().toISOString(), events: [] });
    state.db.close();
    const code = await cloud.register(ETH0, "site-mac");
    // Power is lost right after the hand-over's transaction committed.
    const crash = {
      ...env,
      log: (line: string) => {
        if (line.startsWith("evidence chain closed")) throw new Error("power lost");
      },
    };
    await expect(provisionEnroll(crash, { cloudUrl: cloud.url, code })).rejects.toThrow("power lost");
    cloud.requests.length = 0;
    const lines: string[] = [];
    const r = await provisionEnroll({ ...env, log: (l) => lines.push(l) }, { cloudUrl: cloud.url, code });
    expect(r.status).toBe("provisioned");
    expect(cloud.requests).toEqual([]); // the code, already spent, was not offered again
    expect(lines[0]).toStartWith(`resuming the enrolment as ${r.config.appliance.appliance_id}`);
    const after = openState(r.config);
    try {
      const store = new ChainStore(
        after.queue,
        { siteId: "site-mac", applianceId: r.config.appliance.appliance_id },
        loadIdentity(r.config.appliance.identity_key_file),
      );
      expect(store.handedOver()).toMatchObject([{ applianceId: "app-offline", headSeq: 4 }]);
      expect(store.head().seq).toBe(1);
      expect(() => store.assertOwner()).not.toThrow();
    } finally {
      after.db.close();
    }
  });

  test("enroll with a typed code keeps local settings; rekey registers a new key", async () => {
    const code = await cloud.register(ETH0, "site-mac");
    await provisionEnroll(env, { cloudUrl: cloud.url, code });
    const config = await expectProvisioned("site-mac");
    const old = loadIdentity(config.appliance.identity_key_file);
    // The appliance has run: its chain holds a bundle signed by the old key.
    const before = openState(config);
    openChain(config, before, false).chain.append({
      kind: "event",
      createdAt: new Date().toISOString(),
      events: [],
    });
    before.db.close();

    const r = await rekeyIdentity(env.configPath);
    const now = loadIdentity(config.appliance.identity_key_file);
    expect(r.oldKeyId).toBe(old.keyId);
    expect(r.newKeyId).toBe(now.keyId);
    expect(now.publicKey).not.toBe(old.publicKey);
    expect(await cloud.keyOf(config.appliance.appliance_id)).toBe(now.publicKey);
    expect(mode(config.appliance.identity_key_file)).toBe("600");
    expect(existsSync(`${config.appliance.identity_key_file}.new`)).toBe(false);

    // The re-key is in the chain, signed by the old key and naming the new one.
    const after = openState(config);
    const { chain } = openChain(config, after, false);
    chain.append({ kind: "event", createdAt: new Date().toISOString(), events: [] });
    const bundles = chain.bundlesAfter(0);
    after.db.close();
    const rekeyed = bundles.filter((b) => b.events.some((e) => e.type === "identity-rekeyed"));
    expect(rekeyed).toHaveLength(1);
    expect(rekeyed[0]!.keyId).toBe(old.keyId);
    expect(rekeyed[0]!.events[0]!.details).toMatchObject({
      oldKeyId: old.keyId,
      newKeyId: now.keyId,
      newPublicKey: now.publicKey,
    });
    expect(bundles.at(-1)!.keyId).toBe(now.keyId);
    expect(verifyChain(bundles, [old.publicKey, now.publicKey]).ok).toBe(true);
  });
});
