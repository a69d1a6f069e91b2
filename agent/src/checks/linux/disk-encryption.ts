import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

interface BlockDevice {
  name: string;
  type: string;
  fstype?: string | null;
  mountpoint?: string | null;
  mountpoints?: (string | null)[];
  children?: BlockDevice[];
}

const NEEDS_NO_ENCRYPTION = new Set(["/boot", "/boot/efi", "/efi", "[SWAP]"]);

/** Every mounted filesystem and whether a LUKS (crypt) layer lies beneath it. */
export function mountedEncryption(
  devices: BlockDevice[],
): { mount: string; device: string; encrypted: boolean }[] {
  const out: { mount: string; device: string; encrypted: boolean }[] = [];
  const visit = (d: BlockDevice, encrypted: boolean) => {
    const enc = encrypted || d.type === "crypt" || d.fstype === "crypto_LUKS";
    const mounts = [d.mountpoint, ...(d.mountpoints ?? [])].filter((m): m is string => Boolean(m));
    for (const m of new Set(mounts)) out.push({ mount: m, device: d.name, encrypted: enc });
    for (const c of d.children ?? []) visit(c, enc);
  };
  for (const d of devices) visit(d, false);
  return out;
}

/** Data at rest is encrypted: the root filesystem (and every data mount) sits on LUKS. */
export async function diskEncryption({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "/ and every data filesystem on a LUKS device";
  const r = await host.run(["lsblk", "-J", "-o", "NAME,TYPE,FSTYPE,MOUNTPOINT"]);
  if (r.code !== 0)
    return outcome("error", expected, `lsblk failed (exit ${r.code})`, { stderr: r.stderr.slice(0, 300) });
  const mounts = mountedEncryption(
    (JSON.parse(r.stdout) as { blockdevices: BlockDevice[] }).blockdevices ?? [],
  );
  const data = mounts.filter((m) => !NEEDS_NO_ENCRYPTION.has(m.mount));
  const details = {
    mounts: data.map((m) => ({ mount: m.mount, device: m.device, encrypted: m.encrypted })),
  };
  if (!data.some((m) => m.mount === "/")) {
    return outcome(
      "warn",
      expected,
      "the root filesystem is not on a local block device; encryption cannot be verified",
      details,
    );
  }
  const plain = data.filter((m) => !m.encrypted);
  if (plain.length > 0)
    return outcome(
      "fail",
      expected,
      `not encrypted: ${plain.map((m) => `${m.mount} (${m.device})`).join(", ")}`,
      details,
    );
  return outcome("pass", expected, `encrypted: ${data.map((m) => m.mount).join(", ")}`, details);
}
