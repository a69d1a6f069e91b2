import { afterAll, describe, expect, test } from "bun:test";
import type { CheckSettings } from "./check.ts";
import { FixtureHost } from "./fixture-host.ts";
import { timeSync } from "./linux/time-sync.ts";
import { RealHost } from "./real-host.ts";
import { buildRequest, parseReply, parseServer, querySntp, readNtpTime, writeNtpTime } from "./sntp.ts";
import { startSntpServer } from "./sntp-server.fixture.ts";

const real = new RealHost();
const servers = await Promise.all([
  startSntpServer(),
  startSntpServer(),
  startSntpServer({ skewMs: 5_000 }),
  startSntpServer({ skewMs: 3_000 }),
  startSntpServer({ kiss: true }),
  startSntpServer({ silent: true }),
]);
afterAll(() => {
  for (const s of servers) s.close();
});
const [good1, good2, ahead5s, ahead3s, kiss, silent] = servers.map((s) => s.address) as string[];

const synced = { "timedatectl show -p NTP -p NTPSynchronized": "NTP=yes\nNTPSynchronized=yes\n" };
function settings(ntpServers: string[]): CheckSettings {
  return { ntpServers, ntpMaxOffsetMs: 500, allowedPorts: [], expectedServices: [], diskMaxPercent: 90 };
}
const detect = (ntp: string[], commands: Record<string, string> = synced) =>
  timeSync({
    host: new FixtureHost({ commands }, (h, p, b, t) => real.udpRequest(h, p, b, t)),
    settings: settings(ntp),
    timeoutMs: 1_000,
  });

describe("SNTP", () => {
  test("NTP timestamps round-trip to the millisecond", () => {
    const view = new DataView(new ArrayBuffer(8));
    for (const t of [0, 1_764_000_000_123.5, 2_100_000_000_000]) {
      writeNtpTime(view, 0, t);
      expect(Math.abs(readNtpTime(view, 0) - t)).toBeLessThan(0.001);
    }
  });

  test.each([
    ["pool.ntp.org", "pool.ntp.org", 123],
    ["127.0.0.1:1123", "127.0.0.1", 1123],
    ["[::1]:9", "::1", 9],
  ])("parseServer(%s)", (spec, host, port) => expect(parseServer(spec)).toEqual({ host, port }));

  test("a real exchange with a loopback server measures offset and delay", async () => {
    const s = await querySntp(real, good1!, 1_000);
    expect(Math.abs(s.offsetMs)).toBeLessThan(50);
    expect(s.delayMs).toBeGreaterThanOrEqual(-1);
    expect(s.stratum).toBe(2);
    const skewed = await querySntp(real, ahead5s!, 1_000);
    expect(Math.abs(skewed.offsetMs - 5_000)).toBeLessThan(50);
  });

  test("replies that do not answer our request or are kiss-of-death are refused", async () => {
    const req = buildRequest(Date.now());
    const reply = new Uint8Array(48);
    reply[0] = 0x24;
    reply[1] = 2;
    expect(() => parseReply(req, reply, Date.now())).toThrow(/does not answer our request/);
    await expect(querySntp(real, kiss!, 1_000)).rejects.toThrow(/kiss-of-death "RATE"/);
    await expect(querySntp(real, silent!, 200)).rejects.toThrow(/no reply/);
  });
});

describe("linux.time-sync against loopback SNTP servers", () => {
  test("synchronized daemon and agreeing servers pass", async () => {
    const r = await detect([good1!, good2!]);
    expect(r.status).toBe("pass");
    expect((r.details.servers as unknown[]).length).toBe(2);
  });

  test("one server far from the others is flagged as disagreeing", async () => {
    const r = await detect([good1!, good2!, ahead5s!]);
    expect(r.status).toBe("warn");
    expect(r.details.disagreeing).toEqual([ahead5s!]);
    expect(r.actual).toMatch(/disagree/);
  });

  test("our clock off against every server fails", async () => {
    const r = await detect([ahead5s!, ahead3s!]);
    expect(r.status).toBe("fail");
    expect(r.actual).toMatch(/clock off by (39|40)\d\d/);
  });

  test("unsynchronized daemon warns even when the offset is fine", async () => {
    const r = await detect([good1!, good2!], {
      "timedatectl show -p NTP -p NTPSynchronized": "NTP=no\nNTPSynchronized=no\n",
    });
    expect(r.status).toBe("warn");
    expect(r.actual).toMatch(/NTP=no/);
  });

  test("no server answering fails when the daemon is not synchronized either", async () => {
    const r = await detect([kiss!, silent!], {});
    expect(r.status).toBe("fail");
    expect((r.details.unreachable as { error: string }[]).map((u) => u.error).join()).toMatch(
      /kiss-of-death/,
    );
  });

  test("chrony is understood when timedatectl is absent", async () => {
    const r = await detect([good1!, good2!], {
      "chronyc -n tracking": "Reference ID : 7F000001\nLeap status     : Normal\n",
    });
    expect(r.status).toBe("pass");
    expect(r.details.service).toMatch(/chronyc leap status Normal/);
  });
});
