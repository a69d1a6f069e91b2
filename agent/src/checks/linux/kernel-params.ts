import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

/** Hardening sysctls and the values allowed (rp_filter: strict 1 or loose 2). */
export const KERNEL_PARAMS: Record<string, readonly string[]> = {
  "kernel.randomize_va_space": ["2"],
  "kernel.dmesg_restrict": ["1"],
  "fs.protected_symlinks": ["1"],
  "fs.protected_hardlinks": ["1"],
  "net.ipv4.conf.all.accept_redirects": ["0"],
  "net.ipv4.conf.all.send_redirects": ["0"],
  "net.ipv4.conf.all.accept_source_route": ["0"],
  "net.ipv4.conf.all.rp_filter": ["1", "2"],
  "net.ipv4.tcp_syncookies": ["1"],
};

/** Kernel hardening parameters (read from /proc/sys, identical on every distribution). */
export async function kernelParams({ host }: CheckContext): Promise<CheckOutcome> {
  const names = Object.keys(KERNEL_PARAMS);
  const values = await Promise.all(names.map((n) => host.readFile(`/proc/sys/${n.replaceAll(".", "/")}`)));
  const params: Record<string, string> = {};
  const wrong: string[] = [];
  names.forEach((n, i) => {
    const value = values[i]?.trim() ?? "absent";
    params[n] = value;
    if (value !== "absent" && !KERNEL_PARAMS[n]!.includes(value)) wrong.push(`${n}=${value}`);
  });
  const expected = names.map((n) => `${n}=${KERNEL_PARAMS[n]!.join("|")}`).join(", ");
  if (values.every((v) => v === null)) return outcome("error", expected, "/proc/sys unreadable", {});
  return wrong.length
    ? outcome("fail", expected, `off: ${wrong.join(", ")}`, { params, wrong })
    : outcome("pass", expected, `${names.length} parameters hardened`, { params, wrong: [] });
}
