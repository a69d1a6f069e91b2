/**
 * `npm test`'s pretest: puts on this machine what the test suites need, so the README's one test
 * command passes on a fresh Debian machine with nothing installed by hand. As root it installs the
 * missing Debian packages; otherwise it names them and the suites that need them skip (or, with
 * `CI` set, fail by name: see test/support/requirement.ts). On the machine's Postgres it creates
 * the cloud's owner and service roles (cloud/src/db/setup-roles.ts; the tests do it too).
 */
import { existsSync } from "node:fs";
import { DEFAULT_ADMIN_URL, setupRoles } from "../../cloud/src/db/setup-roles.ts";
import { postgresReachable } from "../../cloud/src/testing/postgres.ts";

/** A Debian package a suite needs, and how to tell it is there. */
interface Need {
  pkg: string;
  why: string;
  present: () => boolean;
}

const python = (module: string) => () =>
  existsSync("/usr/bin/python3") &&
  Bun.spawnSync(["/usr/bin/python3", "-c", `import ${module}`], { stdout: "ignore", stderr: "ignore" })
    .exitCode === 0;

/** What the suites need from Debian. */
export const NEEDS: readonly Need[] = [
  { pkg: "chromium", why: "browser tests (test/browser)", present: () => existsSync("/usr/bin/chromium") },
  { pkg: "python3-winrm", why: "pywinrm interop and the WinRM benchmark", present: python("winrm") },
  { pkg: "python3-requests-ntlm", why: "pywinrm's NTLM transport", present: python("requests_ntlm") },
  {
    pkg: "openssh-server",
    why: "the SSH executor's tests (a real sshd on loopback)",
    present: () => existsSync("/usr/sbin/sshd"),
  },
  {
    pkg: "openssl",
    why: "RFC 3161 time-stamp tests (openssl ts)",
    present: () => Bun.which("openssl") !== null,
  },
  {
    pkg: "python3-opentimestamps",
    why: "the reference OpenTimestamps reader checks the .ots files the cloud writes",
    present: python("opentimestamps"),
  },
  {
    pkg: "nix-bin",
    why: "Nix module checks (nix-instantiate)",
    present: () => Bun.which("nix-instantiate") !== null,
  },
];

function aptInstall(pkgs: string[]): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args: string[]) =>
    Bun.spawnSync(["apt-get", ...args], { env, stdout: "ignore", stderr: "inherit" }).exitCode === 0;
  return run(["update", "-qq"]) && run(["install", "-y", "-qq", "--no-install-recommends", ...pkgs]);
}

if (import.meta.main) {
  const missing = NEEDS.filter((n) => !n.present());
  if (missing.length > 0) {
    const names = missing.map((n) => n.pkg);
    const isRoot = process.getuid?.() === 0;
    if (isRoot && Bun.which("apt-get")) {
      process.stderr.write(`test set-up: installing ${names.join(" ")} from Debian\n`);
      if (!aptInstall(names)) {
        process.stderr.write("test set-up: apt-get failed; the suites that need these packages will skip\n");
        if (process.env.CI) process.exit(1);
      }
    } else {
      process.stderr.write(
        `test set-up: missing ${names.join(", ")} (${missing.map((n) => n.why).join("; ")}).\n` +
          `  Install them with: sudo apt-get install ${names.join(" ")}\n`,
      );
    }
  }
  if (await postgresReachable()) {
    for (const line of await setupRoles({ adminUrl: process.env.TEST_POSTGRES_URL ?? DEFAULT_ADMIN_URL }))
      process.stderr.write(`test set-up: ${line}\n`);
  }
}
