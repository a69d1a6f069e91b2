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

    const inc = await run([
      "prove",
      "inclusion",
      "site-p",
      "--appliance",
      "app-p1",
      "--seq",
      "2",
      "--out",
      at("inc.json"),
      "--checkpoint-out",
      at("latest.note"),
      ...cloudArgs,
    ]);
    expect(inc.out).toContain("wrote the inclusion proof");
    expect(inc.code).toBe(0);
    const okInc = await run([
      "verify-proof",
      at("inc.json"),
      "--checkpoint",
      at("latest.note"),
      "--key",
      latest.verifierKey,
    ]);
    expect(okInc.out).toContain("OK: bundle #2 of app-p1");
    expect(okInc.code).toBe(0);

    const con = await run([
      "prove",
      "consistency",
      "site-p",
      "--from",
      String(kept.size),
      "--out",
      at("con.json"),
      "--checkpoint-out",
      at("latest.note"),
      ...cloudArgs,
    ]);
    expect(con.code).toBe(0);
    const okCon = await run([
      "verify-proof",
      at("con.json"),
      "--checkpoint",
      at("latest.note"),
      "--old",
      at("kept.note"),
      "--key",
      latest.verifierKey,
    ]);
    expect(okCon.out).toContain("at 5 leaves extends the checkpoint of 3 leaves");
    expect(okCon.code).toBe(0);
  });

  test("a bundle the log does not hold and bad arguments are named", async () => {
    const missing = await run([
      "prove",
      "inclusion",
      "site-p",
      "--appliance",
      "app-p1",
      "--seq",
      "99",
      "--out",
      at("x.json"),
      "--checkpoint-out",
      at("x.note"),
      "--cloud",
      base,
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toContain("cloud refused (404)");
    const noRef = await run([
      "prove",
      "inclusion",
      "site-p",
      "--out",
      at("x.json"),
      "--checkpoint-out",
      at("x.note"),
      "--cloud",
      base,
    ]);
    expect(noRef.out).toContain("inclusion needs --bundle-hash, or --appliance and --seq");
    const badFrom = await run([
      "prove",
      "consistency",
      "site-p",
      "--from",
      "2.5",
      "--out",
      at("x.json"),
      "--checkpoint-out",
      at("x.note"),
    ]);
    expect(badFrom.out).toContain('--from "2.5": must be a whole number');
  });
});
