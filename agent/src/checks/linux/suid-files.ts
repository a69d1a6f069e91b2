import { againstBaseline } from "../baseline.ts";
import type { CheckContext, CheckOutcome } from "../check.ts";

/**
 * Where set-uid programs live (NixOS keeps its wrappers in /run/wrappers; the store has none):
 * the program directories, not all of /usr, so the walk stays well inside a check's time limit.
 */
const ROOTS = [
  "/usr/bin",
  "/usr/sbin",
  "/usr/local/bin",
  "/usr/local/sbin",
  "/usr/libexec",
  "/usr/lib/openssh",
  "/usr/lib/dbus-1.0",
  "/usr/lib/polkit-1",
  "/bin",
  "/sbin",
  "/opt",
  "/run/wrappers",
];

/** Set-uid/set-gid programs compared with the host's first-seen list: a new one is a backdoor risk. */
export async function suidFiles({ host, baseline }: CheckContext): Promise<CheckOutcome> {
  const expected = "the set-uid/set-gid programs of the baseline";
  // find exits 1 when a root is missing (no /opt, no /run/wrappers) but still lists the rest.
  const r = await host.run([
    "find",
    ...ROOTS,
    "-maxdepth",
    "4",
    "-xdev",
    "-type",
    "f",
    "(",
    "-perm",
    "-4000",
    "-o",
    "-perm",
    "-2000",
    ")",
  ]);
  if (r.code !== 0 && r.code !== 1)
    return { status: "error", expected, actual: `find failed: exit ${r.code}`, details: {} };
  const items = r.stdout.split("\n").filter((l) => l.startsWith("/"));
  return againstBaseline("linux.suid-files", items, baseline, expected);
}
