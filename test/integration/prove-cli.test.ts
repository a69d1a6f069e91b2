import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Io } from "../../agent/src/cli/command.ts";
import { evidenceCommand } from "../../agent/src/cli/evidence.ts";
import type { TestAppliance, TestCloud } from "../../cloud/src/testing/test-cloud.ts";
import { AGENT_API } from "../../protocol/api.ts";
import { type ServedCloud, serveTestCloud, withAdminToken } from "../support/served-cloud.ts";

let served: ServedCloud;
let cloud: TestCloud;
let base: string;
let tech: string;
let app: TestAppliance;
const dir = mkdtempSync(join(tmpdir(), "prove-cli-"));
const at = (f: string) => join(dir, f);
/** `malachor evidence prove <kind> site-p …`, writing the proof to `out` and the checkpoint to `note` in dir. */
const prove = (kind: string, args: string[], out: string, note: string, ...more: string[]) =>
  run(["prove", kind, "site-p", ...args, "--out", at(out), "--checkpoint-out", at(note), ...more]);
/** `malachor evidence verify-proof` of a proof in dir against dir's latest.note. */
const verifyProof = (proof: string, ...more: string[]) =>
  run(["verify-proof", at(proof), "--checkpoint", at("latest.note"), ...more]);

async function upload(n: number) {
  const r = await cloud.call("POST", AGENT_API.evidence, {
    bearer: app.apiKey,
    body: { bundles: app.nextBundles(n) },
  });
  expect(r.status).toBe(200);
}
async function checkpoint(): Promise<{ size: number; note: string; verifierKey: string }> {
  const r = await cloud.call("POST", "/api/sites/site-p/tlog/checkpoints", { bearer: tech, body: {} });
  expect(r.status).toBe(201);
  return (await r.json()) as { size: number; note: string; verifierKey: string };
}

beforeAll(async () => {
  served = await serveTestCloud();
  ({ cloud, base } = served);
  await cloud.createSite("site-p");
  app = await cloud.createAppliance("site-p", "app-p1");
  tech = await cloud.adminToken("msp-tech");
}, 60_000);

afterAll(async () => {
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => out.push(t), interactive: false };
  return withAdminToken(tech, async () => {
    try {
      return { code: await evidenceCommand.run(args, io), out: out.join("\n") };
    } catch (e) {
      return { code: (e as { exitCode?: number }).exitCode ?? 99, out: (e as Error).message };
    }
  });
}

describe("malachor evidence prove (against a cloud on loopback)", () => {
  test("fetched inclusion and consistency proofs pass verify-proof", async () => {
    await upload(3);
    const kept = await checkpoint();
    writeFileSync(at("kept.note"), kept.note);
    await upload(2);
    const latest = await checkpoint();
    expect(latest.size).toBe(5);
    const cloudArgs = ["--cloud", base];

    const inc = await prove(
      "inclusion",
      ["--appliance", "app-p1", "--seq", "2"],
      "inc.json",
      "latest.note",
      ...cloudArgs,
    );
    expect(inc.out).toContain("wrote the inclusion proof");
    expect(inc.code).toBe(0);
    const okInc = await verifyProof("inc.json", "--key", latest.verifierKey);
    expect(okInc.out).toContain("OK: bundle #2 of app-p1");
    expect(okInc.code).toBe(0);

    const con = await prove(
      "consistency",
      ["--from", String(kept.size)],
      "con.json",
      "latest.note",
      ...cloudArgs,
    );
    expect(con.code).toBe(0);
    const okCon = await verifyProof("con.json", "--old", at("kept.note"), "--key", latest.verifierKey);
    expect(okCon.out).toContain("at 5 leaves extends the checkpoint of 3 leaves");
    expect(okCon.code).toBe(0);
  });

  test("a bundle the log does not hold and bad arguments are named", async () => {
    const missing = await prove(
      "inclusion",
      ["--appliance", "app-p1", "--seq", "99"],
      "x.json",
      "x.note",
      "--cloud",
      base,
    );
    expect(missing.code).not.toBe(0);
    expect(missing.out).toContain("cloud refused (404)");
    const noRef = await prove("inclusion", [], "x.json", "x.note", "--cloud", base);
    expect(noRef.out).toContain("inclusion needs --bundle-hash, or --appliance and --seq");
    const badFrom = await prove("consistency", ["--from", "2.5"], "x.json", "x.note");
    expect(badFrom.out).toContain('--from "2.5": must be a whole number');
  });
});
