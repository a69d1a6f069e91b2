import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";
import type { Host } from "../host.ts";

const KEYS = [
  "permitrootlogin",
  "passwordauthentication",
  "kbdinteractiveauthentication",
  "permitemptypasswords",
] as const;
// OpenSSH's built-in defaults when a key is absent from every file.
const DEFAULTS: Record<(typeof KEYS)[number], string> = {
  permitrootlogin: "prohibit-password",
  passwordauthentication: "yes",
  kbdinteractiveauthentication: "yes",
  permitemptypasswords: "no",
};

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
}

/**
 * Effective global settings from sshd_config text, first value wins as sshd does, following
 * `Include` (globs, relative to /etc/ssh) and stopping at the first `Match` block.
 */
export async function readSshdConfig(
  host: Host,
  path = "/etc/ssh/sshd_config",
  into = new Map<string, string>(),
  depth = 0,
) {
  const text = await host.readFile(path);
  if (text === null || depth > 4) return into;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const [k, ...rest] = line.split(/[\s=]+/);
    const key = k!.toLowerCase();
    const value = rest.join(" ");
    if (key === "match") break;
    if (key === "include") {
      for (const pattern of rest) {
        const full = pattern.startsWith("/") ? pattern : `/etc/ssh/${pattern}`;
        const dir = full.slice(0, full.lastIndexOf("/"));
        const re = globToRegExp(full.slice(full.lastIndexOf("/") + 1));
        const names = ((await host.listDir(dir)) ?? []).filter((n) => re.test(n)).sort();
        for (const n of names) await readSshdConfig(host, `${dir}/${n}`, into, depth + 1);
      }
      continue;
    }
    // ChallengeResponseAuthentication is the old name of KbdInteractiveAuthentication.
    const name = key === "challengeresponseauthentication" ? "kbdinteractiveauthentication" : key;
    if (!into.has(name)) into.set(name, value.toLowerCase());
  }
  return into;
}

/** SSH refuses root logins and passwords: every login is a named person with a key. */
export async function sshHardening({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "PermitRootLogin no; PasswordAuthentication no; KbdInteractiveAuthentication no";
  const t = await host.run(["sshd", "-T"]);
  let settings: Map<string, string>;
  let source: string;
  if (t.code === 0) {
    settings = new Map(
      t.stdout
        .split("\n")
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => f.length >= 2)
        .map((f) => [f[0]!.toLowerCase(), f.slice(1).join(" ").toLowerCase()] as [string, string]),
    );
    source = "sshd -T";
  } else {
    if ((await host.readFile("/etc/ssh/sshd_config")) === null) {
      return outcome("pass", expected, "no SSH server installed", { installed: false });
    }
    settings = await readSshdConfig(host);
    source = "/etc/ssh/sshd_config";
  }
  const eff = Object.fromEntries(KEYS.map((k) => [k, settings.get(k) ?? DEFAULTS[k]])) as Record<
    (typeof KEYS)[number],
    string
  >;
  const details = { source, ...eff };
  const actual = `PermitRootLogin ${eff.permitrootlogin}; PasswordAuthentication ${eff.passwordauthentication}; KbdInteractiveAuthentication ${eff.kbdinteractiveauthentication}`;
  const bad =
    eff.permitrootlogin === "yes" ||
    eff.passwordauthentication !== "no" ||
    eff.kbdinteractiveauthentication !== "no" ||
    eff.permitemptypasswords !== "no";
  if (bad) return outcome("fail", expected, actual, details);
  // Key-only root login is better than passwords but still not a named person.
  if (eff.permitrootlogin !== "no") return outcome("warn", expected, actual, details);
  return outcome("pass", expected, actual, details);
}
