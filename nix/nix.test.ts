import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_KEYS } from "../agent/src/config/schema.ts";
import { OPTIONS_NIX, renderOptionsNix } from "./gen-options.ts";

const root = join(import.meta.dir, "..");
const nixFiles = [
  "flake.nix",
  ...readdirSync(import.meta.dir)
    .filter((f) => f.endsWith(".nix"))
    .map((f) => `nix/${f}`),
];
const haveNix = Bun.which("nix-instantiate") !== null;
if (!haveNix)
  console.warn("nix/nix.test.ts: nix-instantiate not found (apt-get install nix-bin); Nix checks skipped");
// nixpkgs' lib (e.g. a checkout of nixpkgs.lib) lets us evaluate the module itself.
const nixpkgsLib = process.env.MALACHOR_NIXPKGS_LIB;

function nix(args: string[]): { code: number; stdout: string; stderr: string } {
  // Run as root without a Nix daemon, nix warns that the nixbld group is missing: no builds happen
  // here (parse and eval only), so no build users are needed.
  const env = { ...process.env, NIX_CONFIG: "build-users-group =" };
  const r = Bun.spawnSync(["nix-instantiate", ...args], { cwd: root, env, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

type Described = { [k: string]: Described | boolean | string | number | unknown[] };

/** Dotted key paths of the generated descriptions, in the agent's notation (`windows.hosts[].port`). */
function describedKeys(d: Described, prefix = ""): string[] {
  return Object.entries(d).flatMap(([k, child]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    const c = child as Described;
    if (c.leaf === true) return [path];
    if (c.listOf) return describedKeys(c.listOf as Described, `${path}[]`);
    return describedKeys(c, path);
  });
}

describe("nix files", () => {
  test.skipIf(!haveNix).each(nixFiles)("%s parses (nix-instantiate --parse)", (file) => {
    const r = nix(["--parse", file]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  test("nix/options.nix is generated from the current agent config schema", () => {
    if (readFileSync(OPTIONS_NIX, "utf8") !== renderOptionsNix()) {
      throw new Error(
        "nix/options.nix is stale after a change to the agent's config schema: run npx bun nix/gen-options.ts",
      );
    }
  });

  test.skipIf(!haveNix)("the module's settings options are exactly the agent's config keys", () => {
    const r = nix(["--eval", "--strict", "--json", "nix/options.nix"]);
    expect(r.code).toBe(0);
    expect(describedKeys(JSON.parse(r.stdout)).sort()).toEqual([...CONFIG_KEYS].sort());
  });

  test("the module builds its settings from the generated options and passes flags `provision` knows", async () => {
    const module = readFileSync(join(import.meta.dir, "module.nix"), "utf8");
    expect(module).toContain("import ./options.nix");
    const { provisionCommand } = await import("../agent/src/cli/provision.ts");
    for (const flag of ["--config", "--base", "--retry-sec", "--media"]) {
      expect(module).toContain(`"${flag}"`);
      expect(provisionCommand.usage).toContain(flag);
    }
  });
});

// Evaluates nix/module.nix through nixpkgs' module system (nix/eval-module.nix).
describe.skipIf(!haveNix || !nixpkgsLib)("module evaluation (MALACHOR_NIXPKGS_LIB)", () => {
  function evalModule(settings: string, provisioning = false) {
    return nix([
      "--eval",
      "--strict",
      "--json",
      "nix/eval-module.nix",
      "--arg",
      "lib",
      `import ${nixpkgsLib}`,
      "--arg",
      "settings",
      settings,
      "--arg",
      "provisioning",
      String(provisioning),
    ]);
  }

  test.each([
    {
      name: "typed settings render to the agent's TOML keys",
      settings:
        '{ cloud.url = "https://c.example"; appliance.site_id = "s1"; appliance.appliance_id = "a1"; checks.interval_sec = 300; }',
      rendered: {
        cloud: { url: "https://c.example" },
        appliance: { site_id: "s1", appliance_id: "a1" },
        checks: { interval_sec: 300 },
      },
    },
    {
      name: "windows hosts become [[windows.hosts]] tables",
      settings:
        '{ cloud.url = "https://c.example"; appliance.site_id = "s1"; appliance.appliance_id = "a1"; windows.hosts = [ { host = "10.0.0.5"; transport = "http-ntlm"; username = "svc"; password_file = "/run/keys/w"; } ]; }',
      rendered: {
        cloud: { url: "https://c.example" },
        appliance: { site_id: "s1", appliance_id: "a1" },
        windows: {
          hosts: [
            { host: "10.0.0.5", transport: "http-ntlm", username: "svc", password_file: "/run/keys/w" },
          ],
        },
      },
    },
  ])("$name", ({ settings, rendered }) => {
    const r = evalModule(settings);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.failedAssertions).toEqual([]);
    expect(out.rendered).toEqual(rendered);
    expect(out.agent.serviceConfig).toMatchObject({
      Type: "notify",
      ProtectSystem: "strict",
      NoNewPrivileges: true,
      StateDirectory: "malachor",
      User: "malachor",
      NotifyAccess: "main",
      // Read-only inspection of the firewall and root-only config; nothing else.
      CapabilityBoundingSet: ["CAP_NET_ADMIN", "CAP_DAC_READ_SEARCH"],
    });
    expect(out.agent.path.some((p: string) => p.endsWith("-nftables"))).toBe(true);
    expect(out.agent.serviceConfig.WatchdogSec).toBeGreaterThan(0);
    expect(out.agent.serviceConfig.ExecStart).toContain(`run --config ${out.configFile}`);
  });

  test.each([
    { settings: "{ checks.interval_sec = 3; }", error: "interval_sec" },
    { settings: "{ checks.intervl = 60; }", error: "checks.intervl' does not exist" },
    { settings: '{ log.level = "loud"; }', error: "log.level" },
  ])("rejects $settings", ({ settings, error }) => {
    const r = evalModule(settings);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(error);
  });

  test("without provisioning the identity keys are required", () => {
    const out = JSON.parse(evalModule('{ cloud.url = "https://c.example"; }').stdout);
    expect(out.failedAssertions.join("\n")).toContain("settings.appliance.site_id");
  });

  test("with provisioning the agent waits for `provision auto`, which writes the state-dir config", () => {
    const out = JSON.parse(evalModule('{ cloud.url = "https://c.example"; }', true).stdout);
    expect(out.failedAssertions).toEqual([]);
    expect(out.configFile).toBe("/var/lib/malachor/config.toml");
    // A person running `malachor` finds the provisioned config at the default path.
    expect(out.etc["malachor/config.toml"]).toBe("/var/lib/malachor/config.toml");
    expect(out.etc["malachor/base.toml"]).toStartWith("/nix/store/");
    expect(out.agent.requires).toEqual(["malachor-provision.service"]);
    expect(out.provision.serviceConfig).toMatchObject({
      Type: "oneshot",
      CapabilityBoundingSet: [""],
      ProtectSystem: "strict",
    });
    expect(out.provision.serviceConfig.ExecStart).toContain(
      "provision auto --config /var/lib/malachor/config.toml --base /nix/store/",
    );
  });
});
