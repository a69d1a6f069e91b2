import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import * as v from "valibot";
import { DeviceReport } from "../../../protocol/targets.ts";
import { useLoopbackWinRm } from "../../../test/winrm-server/loopback.ts";
import { defaultState, withDomainController } from "../../../test/winrm-server/state.ts";
import { FixtureHost } from "../checks/fixture-host.ts";
import { ConfigFile } from "../config/schema.ts";
import { WinRmExecutor } from "../runbooks/winrm-executor.ts";
import { adComputers } from "./active-directory.ts";
import { discover, parseLeases } from "./discover.ts";
import { parseDnsmasqLeases, parseIscLeases } from "./leases.ts";
import { mergeObservations } from "./merge.ts";
import { parseIpNeighJson, parseProcArp } from "./neighbours.ts";
import { cidrHosts, osFromPorts, probeSubnets } from "./probe.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dir, "fixtures", name), "utf8");

describe("passive sources (parsed from fixtures)", () => {
  test("/proc/net/arp: complete entries only, MACs normalised", () => {
    expect(parseProcArp(fixture("proc-net-arp.txt"))).toEqual([
      { source: "neighbour-table", address: "192.168.10.1", mac: "3c:52:82:aa:01:01" },
      { source: "neighbour-table", address: "192.168.10.20", mac: "00:15:5d:01:02:03" },
      { source: "neighbour-table", address: "192.168.10.44", mac: "f0:18:98:4c:7e:21" },
    ]);
  });

  test("ip -j neigh: failed and link-local entries skipped, IPv6 kept", () => {
    const obs = parseIpNeighJson(fixture("ip-neigh.json"));
    expect(obs.map((o) => o.address)).toEqual(["192.168.10.1", "192.168.10.20", "fd00:10::44"]);
  });

  test("dnsmasq leases: names where the client gave one", () => {
    expect(parseDnsmasqLeases(fixture("dnsmasq.leases"))).toEqual([
      { source: "dhcp-lease", mac: "00:15:5d:01:02:03", address: "192.168.10.20", name: "CLINIC-FS01" },
      { source: "dhcp-lease", mac: "f0:18:98:4c:7e:21", address: "192.168.10.44", name: "exam-mac-02" },
      { source: "dhcp-lease", mac: "b8:27:eb:12:34:56", address: "192.168.10.60" },
    ]);
  });

  test("ISC dhcpd.leases: free leases dropped, the later block for an address wins", () => {
    expect(parseIscLeases(fixture("dhcpd.leases"))).toEqual([
      { source: "dhcp-lease", mac: "8c:16:45:aa:bb:cc", address: "192.168.10.50", name: "FRONTDESK-01" },
      { source: "dhcp-lease", mac: "8c:16:45:00:11:22", address: "192.168.10.52", name: "printer-2f" },
    ]);
  });

  test("lease files are told apart by content", () => {
    expect(parseLeases(fixture("dhcpd.leases"))).toHaveLength(2);
    expect(parseLeases(fixture("dnsmasq.leases"))).toHaveLength(3);
  });

  test("merge: one device per MAC; name-only sightings join by short name; AD's OS wins", () => {
    const devices = mergeObservations(
      [
        ...parseProcArp(fixture("proc-net-arp.txt")),
        ...parseDnsmasqLeases(fixture("dnsmasq.leases")),
        {
          source: "active-directory",
          name: "clinic-fs01.clinic.local",
          address: "192.168.10.20",
          osGuess: "Windows Server 2019",
        },
        {
          source: "probe",
          address: "192.168.10.20",
          openPorts: [5985, 445],
          osGuess: "Windows (WinRM/RPC/SMB/RDP open)",
        },
      ],
      "2026-12-05T06:00:00.000Z",
    );
    expect(v.safeParse(DeviceReport, { observedAt: "2026-12-05T06:00:00.000Z", devices }).success).toBe(true);
    const fs = devices.find((d) => d.mac === "00:15:5d:01:02:03")!;
    expect(fs.names).toEqual(["CLINIC-FS01", "clinic-fs01.clinic.local"]);
    expect(fs.sources.sort()).toEqual(["active-directory", "dhcp-lease", "neighbour-table", "probe"]);
    expect(fs.osGuess).toBe("Windows Server 2019");
    expect(fs.openPorts).toEqual([445, 5985]);
    expect(devices).toHaveLength(4);
  });
});

describe("Active Directory computer objects over WinRM (test server)", () => {
  const winrm = useLoopbackWinRm({
    user: "CLINIC\\svc-malachor",
    password: "pw",
    state: withDomainController(defaultState("CLINIC-DC01"), false),
  });
  beforeAll(() => {
    const state = winrm.server.state;
    state.ad!.computers.push({
      name: "OLD-RECEPTION",
      isDomainController: false,
      lapsExpiry: null,
      operatingSystem: "Windows 10 Pro",
      enabled: false,
    });
  });

  test("enabled computers with DNS name, address and OS; disabled ones left out", async () => {
    const obs = await adComputers(new WinRmExecutor(winrm.client, "127.0.0.1"), 30_000);
    expect(obs).toEqual([
      {
        source: "active-directory",
        name: "clinic-dc01.clinic.local",
        address: "192.168.10.5",
        osGuess: "Windows Server 2022 Standard 10.0 (20348)",
      },
      {
        source: "active-directory",
        name: "clinic-fs01.clinic.local",
        address: "192.168.10.20",
        osGuess: "Windows Server 2019 Standard 10.0 (17763)",
      },
      {
        source: "active-directory",
        name: "frontdesk-01.clinic.local",
        osGuess: "Windows 11 Pro 10.0 (22631)",
      },
    ]);
  });
});

describe("active probe (loopback only)", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  test("CIDR expansion: hosts only, bounded", () => {
    expect(cidrHosts("192.168.10.0/30")).toEqual(["192.168.10.1", "192.168.10.2"]);
    expect(cidrHosts("127.0.0.1/32")).toEqual(["127.0.0.1"]);
    expect(cidrHosts("10.0.0.0/20")).toHaveLength(4094);
    expect(() => cidrHosts("10.0.0.0/8")).toThrow(/split it/);
    expect(() => cidrHosts("10.0.0/24")).toThrow(/IPv4 CIDR/);
  });

  test("finds the open port, not the closed one, at the configured rate", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const ports = [port, closedPort, port + 0, closedPort];
    const t0 = performance.now();
    const obs = await probeSubnets({ subnets: ["127.0.0.1/32"], ports, ratePerSec: 20, timeoutMs: 500 });
    const ms = performance.now() - t0;
    expect(obs).toEqual([{ source: "probe", address: "127.0.0.1", openPorts: [port, port] }]);
    // Four attempts at 20/s: the last starts no earlier than 150 ms in.
    expect(ms).toBeGreaterThanOrEqual(145);
  });

  test("OS guess from open ports", () => {
    expect(osFromPorts([22])).toBe("Linux or macOS (SSH open)");
    expect(osFromPorts([22, 5985])).toContain("Windows");
    expect(osFromPorts([80])).toBeUndefined();
  });

  test("a pass: probe off by default, on when configured; readable sources only", async () => {
    const settings = v.parse(ConfigFile, {
      cloud: { url: "http://127.0.0.1:9" },
      appliance: { site_id: "s", appliance_id: "a" },
    }).discovery;
    expect(settings.probe.enabled).toBe(false);
    const host = new FixtureHost({
      files: {
        "/proc/net/arp": fixture("proc-net-arp.txt"),
        "/var/lib/misc/dnsmasq.leases": fixture("dnsmasq.leases"),
      },
      commands: { "ip -j neigh": fixture("ip-neigh.json") },
    });
    const now = () => new Date("2026-12-05T06:00:00.000Z");
    const off = await discover({ host, settings, domainControllers: () => [], now });
    expect(off.report.devices.some((d) => d.sources.includes("probe"))).toBe(false);
    expect(off.report.devices).toHaveLength(4);
    const on = await discover({
      host,
      settings: {
        ...settings,
        probe: { ...settings.probe, enabled: true, subnets: ["127.0.0.1/32"], ports: [port] },
      },
      domainControllers: () => [],
      now,
    });
    expect(on.report.devices.find((d) => d.addresses.includes("127.0.0.1"))?.openPorts).toEqual([port]);
  });
});
