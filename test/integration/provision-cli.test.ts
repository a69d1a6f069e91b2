import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Io } from "../../agent/src/cli/command.ts";
import { main } from "../../agent/src/main.ts";
import { malachorBinary, runMalachor } from "../support/binary.ts";
import { fakeMedium, fakeSysfs, type LoopbackCloud, startLoopbackCloud } from "./provision-cloud.ts";

const MAC = "00:1a:2b:3c:4d:5e";
let dir: string;
let cloud: LoopbackCloud;
const roots = () => ["--media", join(dir, "media"), "--sysfs", join(dir, "sys")];

beforeAll(async () => {
  cloud = await startLoopbackCloud();
}, 60_000);
afterAll(() => cloud.stop());

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "malachor-provision-cli-"));
  fakeSysfs(join(dir, "sys"), [{ name: "eth0", mac: MAC }]);
  writeFileSync(join(dir, "base.toml"), `[appliance]\nstate_dir = "${join(dir, "state")}"\n`);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false };
  const code = await main(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("malachor provision", () => {
  test("auto by MAC: claim, wait, approval by fingerprint, then show, re-run and rekey", async () => {
    await cloud.register(MAC, "clinic-7");
    const config = join(dir, "state", "config.toml");
    const base = ["--config", config, "--base", join(dir, "base.toml")];
    const wait = await run(["provision", "auto", ...base, "--cloud", cloud.url, ...roots()]);
    expect(wait.code).toBe(3);
    const fingerprint = /key fingerprint ([0-9a-f]{4}(?:-[0-9a-f]{4}){3})/.exec(wait.err)?.[1];
    expect(wait.err).toContain(`waits for a technician's approval`);
    expect(fingerprint).toBeDefined();
    await cloud.approve(MAC, fingerprint!);
    const auto = await run(["provision", "auto", ...base, "--cloud", cloud.url, ...roots()]);
    expect(auto.out).toMatch(
      /^provisioned from a claim approved at .*: appliance app-[\w-]+ of site clinic-7, key [0-9a-f]{16}/,
    );
    expect(auto.code).toBe(0);

    const show = await run(["provision", "show", "--config", config, "--json"]);
    expect(show.code).toBe(0);
    const id = JSON.parse(show.out);
    expect(id).toMatchObject({ siteId: "clinic-7", cloud: cloud.url, config, fingerprint });
    expect(id.publicKey).toMatch(/^[0-9a-f]{64}$/);

    const again = await run(["provision", "auto", ...base, "--cloud", cloud.url, ...roots()]);
    expect(again.out).toBe(`already provisioned: appliance ${id.applianceId} of site clinic-7`);

    const rekey = await run(["provision", "rekey", "--config", config]);
    expect(rekey.code).toBe(0);
    expect(rekey.out).toContain(`key ${id.keyId} → `);
    expect(await cloud.keyOf(id.applianceId)).not.toBe(id.publicKey);
  });

  test("enroll with a one-time code", async () => {
    const code = await cloud.register("aa:aa:aa:aa:aa:aa", "clinic-8");
    const config = join(dir, "state", "config.toml");
    const r = await run([
      "provision",
      "enroll",
      "--code",
      code.toLowerCase(),
      "--cloud",
      cloud.url,
      "--config",
      config,
      "--base",
      join(dir, "base.toml"),
      ...roots().slice(2),
    ]);
    expect(r.err).toContain(`enrolling with ${cloud.url}: code from the command line, key fingerprint `);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^enrolled: appliance app-[\w-]+ of site clinic-8/);
    expect(statSync(config).mode & 0o777).toBe(0o600);
  });

  test.each([
    { args: ["provision"], code: 2, err: 'unknown provision subcommand ""' },
    {
      args: ["provision", "enroll", "--code", "ABCD-EFGH-JKLM-NPQR"],
      code: 2,
      err: "enroll needs --cloud",
    },
    {
      args: ["provision", "auto", "--retry-sec", "0"],
      code: 2,
      err: "--retry-sec: expected 1–86400 seconds",
    },
  ])("usage error: $args", async ({ args, code, err }) => {
    const r = await run([...args]);
    expect(r.code).toBe(code);
    expect(r.err).toContain(err);
  });
});

describe("the compiled binary", () => {
  test("provisions by MAC against the cloud, then reports itself provisioned", async () => {
    await cloud.register(MAC, "clinic-bin");
    const config = join(dir, "state", "config.toml");
    // Async spawn: the cloud answering it lives in this process.
    const exec = async (args: string[]) => {
      const p = Bun.spawn([malachorBinary(), ...args], { stdout: "pipe", stderr: "pipe" });
      const [out, err, code] = await Promise.all([
        new Response(p.stdout).text(),
        new Response(p.stderr).text(),
        p.exited,
      ]);
      return { out, err, code };
    };
    const args = [
      "provision",
      "auto",
      "--config",
      config,
      "--base",
      join(dir, "base.toml"),
      "--cloud",
      cloud.url,
      ...roots(),
    ];
    // Waits for the technician (exit 3: try again), prints the fingerprint for the console.
    const wait = await exec(args);
    expect(wait.code).toBe(3);
    const fingerprint = /key fingerprint ([0-9a-f-]{19})/.exec(wait.err)?.[1];
    await cloud.approve(MAC, fingerprint!);
    const first = await exec(args);
    expect(first.out).toContain("of site clinic-bin");
    expect(first.code).toBe(0);
    const again = await exec(args);
    expect(again.out).toStartWith("already provisioned: appliance ");
    expect(again.code).toBe(0);
  });

  const tmp = mkdtempSync(join(tmpdir(), "malachor-provision-bin-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test("a bad stick config exits 1 naming file, line and key; no stack trace", () => {
    const stick = fakeMedium(
      join(tmp, "usb"),
      "",
      '[cloud]\nurl = "http://127.0.0.1:9"\n\n[checks]\nintervl = 60\n',
    );
    const r = runMalachor([
      "provision",
      "auto",
      "--config",
      join(tmp, "state", "config.toml"),
      "--media",
      join(tmp, "usb"),
      "--sysfs",
      join(tmp, "none"),
    ]);
    expect(r.stderr.trim()).toBe(
      `malachor: ${stick}:5: checks.intervl: unknown key (check the spelling; keys are snake_case)`,
    );
    expect(r.code).toBe(1);
  });
});
