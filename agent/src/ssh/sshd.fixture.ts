/**
 * Debian's OpenSSH server on a loopback port, for tests and the SSH bench: run as the current user
 * with its own config (`UsePAM no`, `StrictModes no`, absolute paths because sshd re-executes
 * itself), a generated Ed25519 host key and two user keys — `linuxKey` gets the machine as it is,
 * `macosKey` gets a PATH whose first directory holds `fakeBin` programs (the macOS fixture outputs).
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../test/support/ports.ts";
import { requirement } from "../../../test/support/requirement.ts";

/** The sshd binary the tests use. */
export const SSHD = "/usr/sbin/sshd";

/** Whether sshd and ssh-keygen are installed. */
export function sshdPresent(): boolean {
  return existsSync(SSHD) && spawnSync("ssh-keygen", ["-?"]).error === undefined;
}

/** Whether the sshd suites can run here (test/support/requirement.ts: skipped with a note, or failing under CI). */
export function sshdRequirement(): boolean {
  return requirement("sshd", sshdPresent(), "node_modules/.bin/bun test/setup/prepare.ts (openssh-server)");
}

/** A running test sshd. */
export interface TestSshd {
  port: number;
  user: string;
  dir: string;
  /** Private key files (0600). */
  linuxKey: string;
  macosKey: string;
  /** Directory first on the PATH of `macosKey` sessions. */
  fakeBin: string;
  /** The host key's `SHA256:` fingerprint. */
  hostKeyFingerprint: string;
  /** Restart the server with a new host key (a changed-key test). */
  rotateHostKey(): Promise<void>;
  stop(): Promise<void>;
}

function keygen(path: string, comment: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

function fingerprint(pubFile: string): string {
  const r = spawnSync("ssh-keygen", ["-l", "-E", "sha256", "-f", pubFile], { encoding: "utf8" });
  const m = /SHA256:[A-Za-z0-9+/]{43}/.exec(r.stdout);
  if (!m) throw new Error(`ssh-keygen -l: ${r.stdout}${r.stderr}`);
  return m[0];
}

function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`sshd did not listen on ${port} within ${ms} ms`));
        else setTimeout(attempt, 30);
      });
    };
    attempt();
  });
}

/** Start sshd on a free loopback port. */
export async function startTestSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), "malachor-sshd-"));
  mkdirSync("/run/sshd", { recursive: true });
  // os.userInfo() says "unknown" under Bun here; ask the system.
  const user = spawnSync("id", ["-un"], { encoding: "utf8" }).stdout.trim();
  const hostKey = join(dir, "host_ed25519");
  const linuxKey = join(dir, "linux_ed25519");
  const macosKey = join(dir, "macos_ed25519");
  const fakeBin = join(dir, "fake-bin");
  mkdirSync(fakeBin);
  keygen(linuxKey, "linux");
  keygen(macosKey, "macos");
  const pub = (f: string) => readFileSync(`${f}.pub`, "utf8").trim();
  const authorized = join(dir, "authorized_keys");
  // Sessions get a HOME of their own: sshd's bash sources ~/.bashrc, and this machine's root one
  // takes seconds (pyenv), which would measure the account's dotfiles instead of the executor.
  const home = join(dir, "home");
  mkdirSync(home);
  const env = (path?: string) => `environment="HOME=${home}"${path ? `,environment="PATH=${path}"` : ""}`;
  writeFileSync(
    authorized,
    `${env()} ${pub(linuxKey)}\n${env(`${fakeBin}:/usr/bin:/bin:/usr/sbin:/sbin`)} ${pub(macosKey)}\n`,
  );
  chmodSync(authorized, 0o600);
  const port = freePort();
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${authorized}`,
      "UsePAM no",
      "StrictModes no",
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitUserEnvironment yes",
      // The bench opens fifty sessions at once.
      "MaxStartups 200:30:400",
      "MaxSessions 64",
      "LogLevel ERROR",
      "",
    ].join("\n"),
  );
  let proc: ReturnType<typeof spawn> | undefined;
  const start = async () => {
    keygen(hostKey, "host");
    proc = spawn(SSHD, ["-D", "-f", config, "-E", join(dir, "sshd.log")], { stdio: "ignore" });
    await waitForPort(port, 5000);
  };
  const stopProc = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once("exit", () => resolve());
      p.kill("SIGTERM");
    });
  };
  await start();
  const server: TestSshd = {
    port,
    user,
    dir,
    linuxKey,
    macosKey,
    fakeBin,
    hostKeyFingerprint: fingerprint(`${hostKey}.pub`),
    async rotateHostKey() {
      await stopProc();
      await start();
      server.hostKeyFingerprint = fingerprint(`${hostKey}.pub`);
    },
    async stop() {
      await stopProc();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
