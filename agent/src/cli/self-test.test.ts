import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./testing.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-self-test-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

describe("malachor self-test", () => {
  test("passes on a working build and names each probe", async () => {
    const r = await run(["self-test"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok {3}ed25519/);
    expect(r.out).toMatch(/ok {3}sqlite/);
    expect(r.out).toMatch(/self-test OK \(malachor \d+\.\d+\.\d+\)/);
  });

  test("--json reports every probe", async () => {
    const r = await run(["self-test", "--json"]);
    const j = JSON.parse(r.out);
    expect(j.ok).toBe(true);
    expect(j.results.map((x: { name: string }) => x.name)).toEqual(["ed25519", "evidence-chain", "sqlite"]);
  });

  test("a broken config fails the self-test with the file and key named", async () => {
    const bad = join(dir, "bad.toml");
    writeFileSync(bad, '[cloud]\nurl = "not a url"\n[appliance]\nsite_id = "s"\nappliance_id = "a"\n');
    const r = await run(["self-test", "--config", bad]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL config: .*bad\.toml:2: cloud\.url/);
    expect(r.out).toContain("self-test FAILED");
  });

  test("stray arguments are a usage error", async () => {
    expect((await run(["self-test", "extra"])).code).toBe(2);
  });
});
