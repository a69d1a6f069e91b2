import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeIface, fakeSysfs } from "../../../test/integration/provision-cloud.ts";
import { listInterfaces, type NetInterface } from "./interfaces.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-sysfs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases: { name: string; ifaces: FakeIface[] | null; want: NetInterface[] }[] = [
  { name: "no sysfs at all", ifaces: null, want: [] },
  {
    name: "loopback, virtual and zero MACs skipped; wired before wireless, by name",
    ifaces: [
      { name: "lo", mac: "00:00:00:00:00:00", type: 772, virtual: true },
      { name: "wlp2s0", mac: "AA:BB:CC:00:00:03", wireless: true },
      { name: "veth12", mac: "ae:00:00:00:00:09", virtual: true },
      { name: "enp1s0", mac: "aa:bb:cc:00:00:02" },
      { name: "eno1", mac: "aa:bb:cc:00:00:01" },
      { name: "tun0", mac: "aa:bb:cc:00:00:07", type: 65534 },
      { name: "dead0", mac: "00:00:00:00:00:00" },
    ],
    want: [
      { name: "eno1", mac: "aa:bb:cc:00:00:01", wireless: false },
      { name: "enp1s0", mac: "aa:bb:cc:00:00:02", wireless: false },
      { name: "wlp2s0", mac: "aa:bb:cc:00:00:03", wireless: true },
    ],
  },
];

test.each(cases)("$name", ({ name, ifaces, want }) => {
  const root = join(dir, name.replaceAll(/\W+/g, "-"));
  if (ifaces) fakeSysfs(root, ifaces);
  expect(listInterfaces(root)).toEqual(want);
});
