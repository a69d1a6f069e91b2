import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "./load.ts";
import { ConfigError } from "./read.ts";
import { loadStatusConfig } from "./status-view.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-status-view-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = `[cloud]\nurl = "http://127.0.0.1:9"\n\n[appliance]\nsite_id = "s1"\nappliance_id = "a1"\n`;
let n = 0;
/** Write `text` to a fresh file in the temp folder; its path. */
function file(text: string): string {
  const path = join(dir, `c${n++}.toml`);
  writeFileSync(path, text);
  return path;
}

/** The message of the ConfigError `fn` throws. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

test("the status view holds what the whole config says of its keys (the example, and paths resolved alike)", () => {
  for (const path of [
    join(import.meta.dir, "..", "..", "malachor.example.toml"),
    file(`${minimal}state_dir = "state"\n[status]\nbind = "[::1]:8711"\n[queue]\nmax_bytes = 2097152\n`),
  ]) {
    const full = loadConfig(path);
    expect(loadStatusConfig(path)).toEqual({
      appliance: {
        site_id: full.appliance.site_id,
        appliance_id: full.appliance.appliance_id,
        state_dir: full.appliance.state_dir,
      },
      status: full.status,
      queue: full.queue,
    });
  }
  expect(loadStatusConfig(file(`${minimal}state_dir = "state"\n`)).appliance.state_dir).toBe(
    join(dir, "state"),
  );
});

const bad: [string, string][] = [
  ["a bad bind", `${minimal}[status]\nbind = "everywhere"\n`],
  ["a typo in [status]", `${minimal}[status]\nbnd = "127.0.0.1:1"\n`],
  ["a string for the queue bound", `${minimal}[queue]\nmax_bytes = "lots"\n`],
  ["a missing appliance id", `[appliance]\nsite_id = "s1"\n`],
  ["a bad site id", `[appliance]\nsite_id = "-no"\nappliance_id = "a1"\n`],
  ["a bad state folder", `${minimal}state_dir = ""\n`],
  ["no TOML", `${minimal}[status\n`],
];
test.each(bad)("%s is refused with the whole config's error, naming file, line and key", (_name, text) => {
  const path = file(text);
  const status = refusal(() => loadStatusConfig(path));
  expect(status).toStartWith(`${path}:`);
  expect(refusal(() => loadConfig(path))).toContain(status);
});

test("keys status does not read are left to `malachor run`: a bad one elsewhere does not stop status", () => {
  const path = file(
    `[appliance]\nsite_id = "s1"\nappliance_id = "a1"\nhostname = "bad host!"\n[checks]\ninterval_sec = 5\n`,
  );
  expect(refusal(() => loadConfig(path))).toMatch(/cloud: is required/);
  expect(loadStatusConfig(path)).toEqual({
    appliance: { site_id: "s1", appliance_id: "a1", state_dir: "/var/lib/malachor" },
    status: { bind: "127.0.0.1:8710" },
    queue: { max_bytes: 536_870_912 },
  });
});

test("a missing file is refused naming it", () => {
  expect(refusal(() => loadStatusConfig(join(dir, "nope.toml")))).toMatch(
    /nope\.toml: cannot read config: no such file/,
  );
});
