/**
 * Each threat rule fires on its events and stays quiet just below its threshold, read over real
 * WS-Man from the test host's event logs; a firing threat is escalated to people by an L1 rule
 * (never a runbook), including the 1102 rule that matches any check's details.eventId.
 */

import type { Database } from "bun:sqlite";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { compileRules } from "../../../lib/rules/compile.ts";
import type { Finding } from "../../../protocol/finding.ts";
import { BUILTIN_RULES } from "../../../runbooks/rules/index.ts";
import { failedLogons, type NewEvent, writeEvents } from "../../../test/winrm-server/events.ts";
import { startWinRmServer, type WinRmServer } from "../../../test/winrm-server/server.ts";
import { defaultState } from "../../../test/winrm-server/state.ts";
import { decideL1 } from "../heal/l1/decide.ts";
import { openStateDb } from "../queue/db.ts";
import { WinRmExecutor } from "../runbooks/winrm-executor.ts";
import { WinRmClient } from "../winrm/client.ts";
import { collectThreats, evaluateThreatCycle } from "./threat-provider.ts";
import { THREAT_RULES } from "./threats.ts";

const servers: WinRmServer[] = [];
const clients: WinRmClient[] = [];
const executors: WinRmExecutor[] = [];
let db: Database;

const failed = (n: number, ip = "10.9.9.9") => failedLogons(n, ip);
const proc = (cmd: string): NewEvent => ({
  id: 4688,
  provider: "Microsoft-Windows-Security-Auditing",
  data: [
    "S-1-5-18",
    "jdoe",
    "CLINIC",
    "0x3e7",
    "0x1a2c",
    "C:\\Windows\\System32\\vssadmin.exe",
    "%%1936",
    "0x1234",
    cmd,
  ],
});
const ev = (id: number, data: string[] = []): NewEvent => ({ id, provider: "test", data });
const write = (host: number, log: string, events: NewEvent[]) =>
  writeEvents(servers[host]!.state.events[log]!, events);
const of = (fs: Finding[], checkId: string, host = "HOST-0") =>
  fs.find((f) => f.checkId === checkId && f.host === host);
const cycle = () => collectThreats({ db, executors: () => executors });

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const s = await startWinRmServer({ user: "svc", password: "pw" });
    const c = new WinRmClient({
      host: "127.0.0.1",
      port: s.port,
      auth: { scheme: "ntlm", user: "svc", password: "pw" },
    });
    servers.push(s);
    clients.push(c);
    executors.push(new WinRmExecutor(c, `HOST-${i}`));
  }
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.close()));
});
beforeEach(async () => {
  for (const s of servers) s.state = defaultState();
  db = openStateDb(":memory:");
  await cycle(); // first contact: bookmarks start at the newest record
});

type Case = [name: string, rule: string, setup: () => void, fires: boolean, host?: string];
const CASES: Case[] = [
  [
    "20 failed logons on one host",
    THREAT_RULES.bruteForce.id,
    () => write(0, "Security", [...failed(12, "10.0.0.7"), ...failed(8, "10.0.0.8")]),
    true,
  ],
  [
    "19 failed logons on one host",
    THREAT_RULES.bruteForce.id,
    () => write(0, "Security", [...failed(9, "10.0.0.7"), ...failed(10, "10.0.0.8")]),
    false,
  ],
  [
    "10 from one source across two hosts",
    THREAT_RULES.bruteForce.id,
    () => {
      write(0, "Security", failed(5, "10.0.0.9"));
      write(1, "Security", failed(5, "10.0.0.9"));
    },
    true,
    "HOST-1",
  ],
  [
    "9 from one source across two hosts",
    THREAT_RULES.bruteForce.id,
    () => {
      write(0, "Security", failed(5, "10.0.0.9"));
      write(1, "Security", failed(4, "10.0.0.9"));
    },
    false,
    "HOST-1",
  ],
  [
    "20 failed logons, 5 of them older than the 15-minute window",
    THREAT_RULES.bruteForce.id,
    () =>
      write(0, "Security", [
        ...failed(5, "10.0.0.7").map((e) => ({
          ...e,
          time: new Date(Date.now() - 16 * 60_000).toISOString(),
        })),
        ...failed(15, "10.0.0.7"),
      ]),
    false,
  ],
  [
    "an account locked out (4740)",
    THREAT_RULES.lockout.id,
    () => write(0, "Security", [ev(4740, ["frontdesk", "KIOSK"])]),
    true,
  ],
  [
    "failed logons but no lockout",
    THREAT_RULES.lockout.id,
    () => write(0, "Security", failed(3, "10.0.0.7")),
    false,
  ],
  [
    "the Security log cleared (1102)",
    THREAT_RULES.logCleared.id,
    () => {
      const logs = servers[0]!.state.events;
      logs.Security!.records = [];
      logs.Security!.nextRecordId = 1;
      write(0, "Security", [ev(1102, ["S-1-5-21-1-500", "mallory", "CLINIC"])]);
    },
    true,
  ],
  [
    "the System log cleared (104)",
    THREAT_RULES.logCleared.id,
    () => write(0, "System", [ev(104, ["mallory", "CLINIC", "System"])]),
    true,
  ],
  [
    "a new process but no log cleared",
    THREAT_RULES.logCleared.id,
    () => write(0, "Security", [proc("notepad.exe")]),
    false,
  ],
  [
    "a user added to Administrators (4732)",
    THREAT_RULES.accountChange.id,
    () =>
      write(0, "Security", [
        ev(4732, [
          "CN=helpdesk",
          "S-1-5-21-1-1109",
          "Administrators",
          "BUILTIN",
          "S-1-5-32-544",
          "S-1-5-21-1-500",
          "mallory",
        ]),
      ]),
    true,
  ],
  [
    "a new account created (4720)",
    THREAT_RULES.accountChange.id,
    () =>
      write(0, "Security", [
        ev(4720, ["temp-admin", "CLINIC", "S-1-5-21-1-1200", "S-1-5-21-1-500", "mallory"]),
      ]),
    true,
  ],
  [
    "a member added to a global security group (4728)",
    THREAT_RULES.accountChange.id,
    () =>
      write(0, "Security", [
        ev(4728, [
          "CN=temp",
          "S-1-5-21-1-1200",
          "Domain Admins",
          "CLINIC",
          "S-1-5-21-1-512",
          "S-1-5-21-1-500",
          "mallory",
        ]),
      ]),
    true,
  ],
  [
    "a member added to a universal security group (4756)",
    THREAT_RULES.accountChange.id,
    () =>
      write(0, "Security", [
        ev(4756, [
          "CN=temp",
          "S-1-5-21-1-1200",
          "Enterprise Admins",
          "CLINIC",
          "S-1-5-21-1-519",
          "S-1-5-21-1-500",
          "mallory",
        ]),
      ]),
    true,
  ],
  [
    "a lockout but no account change",
    THREAT_RULES.accountChange.id,
    () => write(0, "Security", [ev(4740, ["frontdesk", "KIOSK"])]),
    false,
  ],
  [
    "vssadmin delete shadows (4688)",
    THREAT_RULES.ransomware.id,
    () => write(0, "Security", [proc("vssadmin.exe delete shadows /all /quiet")]),
    true,
  ],
  [
    "wmic shadowcopy delete (4688)",
    THREAT_RULES.ransomware.id,
    () => write(0, "Security", [proc("wmic.exe shadowcopy delete /nointeractive")]),
    true,
  ],
  [
    "vssadmin list shadows (4688)",
    THREAT_RULES.ransomware.id,
    () => write(0, "Security", [proc("vssadmin.exe list shadows")]),
    false,
  ],
  [
    "Volume Shadow Copy disabled (7040)",
    THREAT_RULES.ransomware.id,
    () => write(0, "System", [ev(7040, ["Volume Shadow Copy", "demand start", "disabled", "VSS"])]),
    true,
  ],
  [
    "Volume Shadow Copy set to auto start (7040)",
    THREAT_RULES.ransomware.id,
    () => write(0, "System", [ev(7040, ["Volume Shadow Copy", "demand start", "auto start", "VSS"])]),
    false,
  ],
  [
    "Defender detected malware (1116)",
    THREAT_RULES.malware.id,
    () =>
      write(0, "Microsoft-Windows-Windows Defender/Operational", [
        ev(1116, [
          "Microsoft Defender Antivirus",
          "4.18",
          "{id}",
          "2026-12-04",
          "",
          "",
          "2147735503",
          "Trojan:Win32/Emotet",
          "5",
          "Severe",
        ]),
      ]),
    true,
  ],
  [
    "Defender acted on malware (1117)",
    THREAT_RULES.malware.id,
    () =>
      write(0, "Microsoft-Windows-Windows Defender/Operational", [
        ev(1117, [
          "Microsoft Defender Antivirus",
          "4.18",
          "{id}",
          "2026-12-04",
          "",
          "",
          "2147735503",
          "Trojan:Win32/Emotet",
        ]),
      ]),
    true,
  ],
  [
    "Defender log without a detection",
    THREAT_RULES.malware.id,
    () => write(0, "Security", [proc("notepad.exe")]),
    false,
  ],
];

describe("event-log threat rules", () => {
  test.each(CASES)("%s → %s", async (_name, rule, setup, fires, host = "HOST-0") => {
    setup();
    const findings = await cycle();
    const f = of(findings, rule, host);
    if (!f) throw new Error(`no ${rule} finding for ${host}`);
    expect(f.status).toBe(fires ? "fail" : "pass");
    const decision = decideL1(
      f,
      { platform: "windows" },
      compileRules(BUILTIN_RULES),
      new Map() as never,
      Date.now(),
    );
    if (fires) {
      // Threats go to people: an escalate rule, never a runbook.
      expect(decision.type).toBe("escalate");
      expect((f.details.events as unknown[]).length).toBeGreaterThan(0);
    }
    // Read once: the next cycle brings nothing new (only the brute-force window may still hold).
    const again = await cycle();
    if (rule !== THREAT_RULES.bruteForce.id) expect(of(again, rule, host)?.status).toBe("pass");
  });

  test("event 1102 fires the builtin audit-log-cleared rule too", async () => {
    write(0, "Security", [ev(1102, ["S-1-5-21-1-500", "mallory", "CLINIC"])]);
    const f = of(await cycle(), THREAT_RULES.logCleared.id)!;
    expect(f.details.eventId).toBe(1102);
    const rules = compileRules({
      version: 0,
      rules: BUILTIN_RULES.rules.filter((r) => r.id === "l1-audit-log-cleared"),
    });
    expect(decideL1(f, { platform: "windows" }, rules, new Map() as never, Date.now())).toMatchObject({
      type: "escalate",
      rule: { id: "l1-audit-log-cleared" },
    });
  });

  test("events judged in a cycle whose bundle was never signed are judged again, then never", async () => {
    write(0, "Security", [ev(4740, ["frontdesk", "KIOSK"])]);
    const opts = { db, executors: () => executors };
    const lost = await evaluateThreatCycle(opts); // a daemon killed before signing: never marked
    expect(of(lost.findings, THREAT_RULES.lockout.id)?.status).toBe("fail");
    const again = await evaluateThreatCycle(opts);
    const f = of(again.findings, THREAT_RULES.lockout.id)!;
    expect(f.status).toBe("fail");
    expect((f.details.events as { recordId: number }[]).map((e) => e.recordId)).toHaveLength(1);
    again.markReported();
    expect(of(await cycle(), THREAT_RULES.lockout.id)?.status).toBe("pass");
  });

  test("a gap found in a cycle whose bundle was never signed is reported by the next one, once", async () => {
    servers[0]!.state.events.Security!.maxRecords = 100;
    write(
      0,
      "Security",
      failed(150, "10.0.0.5").map((e) => ({ ...e, id: 4624 })),
    );
    const opts = { db, executors: () => executors };
    await evaluateThreatCycle(opts); // a daemon killed before signing: never marked
    const again = await evaluateThreatCycle(opts);
    expect(of(again.findings, THREAT_RULES.logGap.id)).toMatchObject({
      status: "warn",
      details: { gaps: [{ log: "Security", lost: 50 }] },
    });
    again.markReported();
    expect(of(await cycle(), THREAT_RULES.logGap.id)?.status).toBe("pass");
  });

  test("a log that wrapped unread is reported as a gap and escalated", async () => {
    servers[0]!.state.events.Security!.maxRecords = 100;
    write(
      0,
      "Security",
      failed(150, "10.0.0.5").map((e) => ({ ...e, id: 4624 })),
    );
    const f = of(await cycle(), THREAT_RULES.logGap.id)!;
    expect(f).toMatchObject({ status: "warn", details: { gaps: [{ log: "Security", lost: 50 }] } });
    expect(
      decideL1(f, { platform: "windows" }, compileRules(BUILTIN_RULES), new Map() as never, Date.now()).type,
    ).toBe("escalate");
  });
});
