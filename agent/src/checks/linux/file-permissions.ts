import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

/** Most permissive mode each file may have, and its owner (RHEL keeps shadow at 000, Debian 640). */
export const SENSITIVE_FILES: Record<string, number> = {
  "/etc/passwd": 0o644,
  "/etc/group": 0o644,
  "/etc/shadow": 0o640,
  "/etc/gshadow": 0o640,
  "/etc/ssh/sshd_config": 0o644,
  "/etc/sudoers": 0o440,
};

/** Account and authentication files are root's and not writable (or, for hashes, readable) by others. */
export async function filePermissions({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "root-owned, no wider than 644 (passwd, group), 640 (shadow, gshadow), 440 (sudoers)";
  const r = await host.run(["stat", "-c", "%n %a %U", ...Object.keys(SENSITIVE_FILES)]);
  if (!r.stdout.trim()) return outcome("error", expected, `stat failed: ${r.stderr.trim().slice(0, 200)}`);
  const bad: string[] = [];
  const files: Record<string, string> = {};
  for (const line of r.stdout.trim().split("\n")) {
    const [name, mode, owner] = line.split(" ");
    if (!name || !mode || !owner) continue;
    files[name] = `${mode} ${owner}`;
    const max = SENSITIVE_FILES[name] ?? 0o644;
    if ((Number.parseInt(mode, 8) & ~max) !== 0 || owner !== "root") bad.push(`${name} ${mode} ${owner}`);
  }
  return bad.length
    ? outcome("fail", expected, `too open: ${bad.join("; ")}`, { files, bad })
    : outcome("pass", expected, `${Object.keys(files).length} files safe`, { files, bad: [] });
}
