import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../agent/src/cli/testing.ts";
import type { TestCloud } from "../../cloud/src/testing/test-cloud.ts";
import { issueCheckpoint } from "../../cloud/src/transparency/checkpoints.ts";
import { type ServedCloud, serveTestCloud, withAdminToken } from "../support/served-cloud.ts";

let served: ServedCloud;
let cloud: TestCloud;
let base: string;
let reader: string;

beforeAll(async () => {
  served = await serveTestCloud();
  ({ cloud, base } = served);
  await cloud.createSite("kit-cli");
  const a = await cloud.createAppliance("kit-cli", "kit-cli1");
  const r = await a.upload(a.nextBundles(3));
  expect(r.status).toBe(200);
  await issueCheckpoint(cloud.deps.db, cloud.deps, "kit-cli");
  reader = await cloud.adminToken("read-only", "kit-cli");
}, 60_000);

afterAll(async () => {
  await served?.stop();
});

function run(args: string[], token: string) {
  return withAdminToken(token, () => runCli(["evidence", "kit", ...args, "--cloud", base]));
}

describe("malachor evidence kit (against a cloud on loopback)", () => {
  test("downloads the kit the API serves, under the cloud's file name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kit-cli-"));
    const r = await run(
      ["kit-cli", "--from", "2026-11-25", "--to", "2026-11-26", "--out", `${dir}/`],
      reader,
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const file = join(dir, "kit-cli-2026-11-25-2026-11-26.tar");
    expect(r.out).toContain(`saved ${file}`);
    const api = await cloud.call("GET", "/api/sites/kit-cli/tlog/kit?from=2026-11-25&to=2026-11-26", {
      bearer: reader,
    });
    expect(Buffer.compare(readFileSync(file), Buffer.from(await api.arrayBuffer()))).toBe(0);
  });

  test("a bad period and a token of another site are refused with the cloud's reason", async () => {
    const bad = await run(["kit-cli", "--from", "2026-11-25", "--to", "tomorrow"], reader);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("--to must be a date");
    await cloud.createSite("kit-other");
    const other = await cloud.adminToken("read-only", "kit-other");
    const refused = await run(["kit-cli", "--from", "2026-11-25", "--to", "2026-11-26"], other);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("cloud refused (403)");
  });
});
