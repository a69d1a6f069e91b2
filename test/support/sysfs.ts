import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One interface in a fake /sys. */
export interface FakeIface {
  name: string;
  mac: string;
  type?: number;
  virtual?: boolean;
  wireless?: boolean;
}

/** Build `<root>/class/net/*` the way the kernel lays it out (symlinks into devices/). */
export function fakeSysfs(root: string, ifaces: readonly FakeIface[]): string {
  mkdirSync(join(root, "class", "net"), { recursive: true });
  for (const i of ifaces) {
    const dev = i.virtual
      ? join(root, "devices", "virtual", "net", i.name)
      : join(root, "devices", "pci0000:00", "0000:00:1f.6", "net", i.name);
    mkdirSync(dev, { recursive: true });
    writeFileSync(join(dev, "address"), `${i.mac}\n`);
    writeFileSync(join(dev, "type"), `${i.type ?? 1}\n`);
    if (i.wireless) mkdirSync(join(dev, "wireless"));
    symlinkSync(dev, join(root, "class", "net", i.name));
  }
  return root;
}
