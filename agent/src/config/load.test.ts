import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, parseConfig } from "./load.ts";
import { ConfigError, configPath, DEFAULT_CONFIG_PATH } from "./read.ts";
import { CONFIG_KEYS } from "./schema.ts";
import { readSecretFile, SecretFileError, writeSecretFile } from "./secret.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = `[cloud]\nurl = "http://127.0.0.1:9"\n\n[appliance]\nsite_id = "s1"\nappliance_id = "a1"\n`;

function problemOf(text: string): { line?: number; key: string; message: string; full: string } {
  try {
    parseConfig(text, "/etc/malachor/config.toml");
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const p = (e as ConfigError).problems[0]!;
    return { ...p, full: (e as Error).message };
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  test("the documented example parses and its values equal the defaults", () => {
    const example = join(import.meta.dir, "..", "..", "malachor.example.toml");
    const full = loadConfig(example);
    const fromMinimal = parseConfig(
      `[cloud]\nurl = "https://cloud.example.com"\n[appliance]\nsite_id = "site-a"\nappliance_id = "app-1"\n`,
      example,
    );
    expect(full).toEqual(fromMinimal);
    expect(full.appliance.identity_key_file).toBe("/var/lib/malachor/identity.key");
    expect(full.checks.interval_sec).toBe(60);
    expect(full.status.bind).toBe("127.0.0.1:8710");
  });

  test("relative paths resolve against the config file's directory", () => {
    const c = parseConfig(
      `${minimal}state_dir = "state"\n[[windows.hosts]]\nhost = "10.0.0.5"\ntransport = "https-basic"\nusername = "u"\npassword_file = "pw"\n`,
      join(dir, "c.toml"),
    );
    expect(c.appliance.state_dir).toBe(join(dir, "state"));
    expect(c.appliance.identity_key_file).toBe(join(dir, "state", "identity.key"));
    expect(c.windows.hosts[0]!.password_file).toBe(join(dir, "pw"));
    const n = parseConfig(
      `${minimal}[[notify.webhooks]]\nurl = "http://127.0.0.1:1/hook"\nsecret_file = "/abs/secret"\n[[notify.webhooks]]\nurl = "http://127.0.0.1:1/b"\nsecret_file = "rel/secret"\n`,
      join(dir, "n.toml"),
    );
    expect(n.notify.webhooks.map((w) => w.secret_file)).toEqual(["/abs/secret", join(dir, "rel", "secret")]);
    expect(c.windows.hosts[0]!.port).toBe(5986);
  });

  test("an SSH host: key file resolved, port defaulted, host key kept", () => {
    const c = parseConfig(
      `${minimal}[[ssh.hosts]]\nhost = "10.0.0.20"\nuser = "malachor"\nos = "macos"\nkey_file = "id"\nhost_key = "SHA256:${"A".repeat(43)}"\n`,
      join(dir, "s.toml"),
    );
    expect(c.ssh.hosts[0]).toEqual({
      host: "10.0.0.20",
      port: 22,
      user: "malachor",
      os: "macos",
      key_file: join(dir, "id"),
      host_key: `SHA256:${"A".repeat(43)}`,
    });
    expect(c.ssh.allow_password).toBe(false);
  });

  test("SSH passwords only where the site allows them; exactly one credential", () => {
    const host = `[[ssh.hosts]]\nhost = "h"\nuser = "u"\nos = "linux"\npassword_file = "pw"\n`;
    expect(problemOf(`${minimal}${host}`).message).toMatch(/allow_password is false/);
    expect(
      parseConfig(`${minimal}[ssh]\nallow_password = true\n${host}`, join(dir, "p.toml")).ssh.hosts,
    ).toHaveLength(1);
    expect(problemOf(`${minimal}${host}key_file = "k"\n`).message).toMatch(
      /exactly one of key_file and password_file/,
    );
    expect(
      problemOf(`${minimal}[[ssh.hosts]]\nhost = "h"\nuser = "u"\nos = "windows"\nkey_file = "k"\n`).message,
    ).toMatch(/"linux" or "macos"/);
  });

  const bad: [string, string, string, number | undefined, RegExp][] = [
    ["interval too small", `${minimal}[checks]\ninterval_sec = 5\n`, "checks.interval_sec", 8, />=10/],
    ["typo in a key", `${minimal}[checks]\nintervall_sec = 60\n`, "checks.intervall_sec", 8, /unknown key/],
    [
      "missing appliance id",
      `[cloud]\nurl = "https://x"\n[appliance]\nsite_id = "s"\n`,
      "appliance.appliance_id",
      3,
      /required/,
    ],
    [
      "second windows host bad transport",
      `${minimal}[[windows.hosts]]\nhost = "a"\ntransport = "http-ntlm"\nusername = "u"\npassword_file = "p"\n\n[[windows.hosts]]\nhost = "b"\ntransport = "ssh"\nusername = "u"\npassword_file = "p"\n`,
      "windows.hosts.1.transport",
      15,
      /http-ntlm/,
    ],
    [
      "bad public key",
      minimal.replace('url = "http://127.0.0.1:9"', 'url = "http://x"\npublic_key = "zz"'),
      "cloud.public_key",
      3,
      /64 lowercase hex/,
    ],
    [
      "plain http beyond loopback",
      minimal.replace("http://127.0.0.1:9", "http://cloud.clinic.lan"),
      "cloud.url",
      2,
      /plain http to cloud\.clinic\.lan/,
    ],
    ["bad bind", `${minimal}[status]\nbind = "everywhere"\n`, "status.bind", 8, /host:port/],
    ["string for number", `${minimal}[queue]\nmax_bytes = "lots"\n`, "queue.max_bytes", 8, /number/],
    [
      "bad url",
      `[cloud]\nurl = "not a url"\n[appliance]\nsite_id = "s"\nappliance_id = "a"\n`,
      "cloud.url",
      2,
      /URL/,
    ],
  ];
  test.each(bad)("%s names the key and line", (_name, text, key, line, msg) => {
    const p = problemOf(text);
    expect(p.key).toBe(key);
    expect(p.line).toBe(line);
    expect(p.message).toMatch(msg);
    expect(p.full).toStartWith(`/etc/malachor/config.toml:${line}: ${key}: `);
  });

  test("TOML syntax errors name the line", () => {
    const p = problemOf(`${minimal}[checks\n`);
    expect(p.line).toBe(7);
    expect(p.message).toMatch(/not valid TOML/);
  });

  test("a missing file is a ConfigError naming it", () => {
    expect(() => loadConfig(join(dir, "nope.toml"))).toThrow(/nope\.toml: cannot read config: no such file/);
  });

  test("config path: flag, then MALACHOR_CONFIG, then the default", () => {
    expect(configPath("/x.toml", { MALACHOR_CONFIG: "/y.toml" })).toBe("/x.toml");
    expect(configPath(undefined, { MALACHOR_CONFIG: "/y.toml" })).toBe("/y.toml");
    expect(configPath(undefined, {})).toBe(DEFAULT_CONFIG_PATH);
  });

  test("CONFIG_KEYS lists every leaf key and the example documents each", () => {
    expect(CONFIG_KEYS).toContain("checks.interval_sec");
    expect(CONFIG_KEYS).toContain("windows.hosts[].cert_fingerprint");
    expect(CONFIG_KEYS).toContain("appliance.identity_key_file");
    expect(CONFIG_KEYS).not.toContain("windows");
    const example = readFileSync(join(import.meta.dir, "..", "..", "malachor.example.toml"), "utf8");
    for (const key of CONFIG_KEYS) {
      const leaf = key.split(".").pop()!;
      expect(example).toMatch(new RegExp(`^#? ?${leaf} =`, "m"));
    }
  });

  test("secret files: 0600 is read, group-readable is refused with the fix", () => {
    const p = join(dir, "key");
    writeSecretFile(p, "abc\n");
    expect(readSecretFile(p, "API key")).toBe("abc");
    chmodSync(p, 0o644);
    expect(() => readSecretFile(p, "API key")).toThrow(/mode 644 .*chmod 600/);
    expect(() => readSecretFile(join(dir, "missing"), "API key")).toThrow(SecretFileError);
    writeFileSync(join(dir, "empty"), "", { mode: 0o600 });
    expect(() => readSecretFile(join(dir, "empty"), "API key")).toThrow(/empty/);
  });
});
