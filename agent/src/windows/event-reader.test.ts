import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { failedLogons, writeEvents } from "../../../test/winrm-server/events.ts";
import { useLoopbackWinRm } from "../../../test/winrm-server/loopback.ts";
import { defaultState } from "../../../test/winrm-server/state.ts";
import { openStateDb } from "../queue/db.ts";
import { WinRmExecutor } from "../runbooks/winrm-executor.ts";
import { readBookmarks, readEvents } from "./event-reader.ts";

const winrm = useLoopbackWinRm({ user: "svc", password: "pw" });
let executor: WinRmExecutor;
const failed = (n: number, ip = "10.9.9.9") => failedLogons(n, ip);

beforeAll(async () => {
  executor = new WinRmExecutor(winrm.client, "CLINIC-FS01");
});
beforeEach(() => {
  winrm.server.state = defaultState();
});

describe("event-log reading from a per-host bookmark", () => {
  test("first contact starts at the newest record; later events are read once, in order", async () => {
    const db = openStateDb(":memory:");
    writeEvents(winrm.server.state.events.Security!, failed(5));
    expect((await readEvents(db, executor)).events).toEqual([]);
    expect(readBookmarks(db, "CLINIC-FS01").Security).toBe(5);
    writeEvents(winrm.server.state.events.Security!, [
      ...failed(3),
      { id: 4624, provider: "x", data: [] },
      ...failed(2),
    ]);
    const r = await readEvents(db, executor, { maxEvents: 2 });
    expect(r.events.map((e) => e.recordId)).toEqual([6, 7, 8, 10, 11]);
    expect(r.events[0]).toMatchObject({
      eventId: 4625,
      data: expect.arrayContaining(["10.9.9.9", "frontdesk"]),
    });
    expect(readBookmarks(db, "CLINIC-FS01").Security).toBe(11);
    expect((await readEvents(db, executor)).events).toEqual([]);
  });

  test("a log that wrapped past the bookmark is reported with the number of events lost", async () => {
    const db = openStateDb(":memory:");
    const log = winrm.server.state.events.Security!;
    log.maxRecords = 50;
    await readEvents(db, executor);
    writeEvents(log, failed(80));
    const r = await readEvents(db, executor);
    expect(r.wrapped).toEqual([{ log: "Security", lost: 30 }]);
    expect(r.events.map((e) => e.recordId)).toEqual(Array.from({ length: 50 }, (_, i) => 31 + i));
  });

  test("a cleared log (ids start again) is read from the start: its 1102 comes through", async () => {
    const db = openStateDb(":memory:");
    writeEvents(winrm.server.state.events.Security!, failed(40));
    await readEvents(db, executor);
    const res = await fetch(`http://127.0.0.1:${winrm.server.port}/_sim/events`, {
      method: "POST",
      body: JSON.stringify({ log: "Security", clear: true, by: "mallory" }),
    });
    expect(res.status).toBe(200);
    const r = await readEvents(db, executor);
    expect(r.reset).toEqual(["Security"]);
    expect(r.events.map((e) => [e.recordId, e.eventId])).toEqual([[1, 1102]]);
    expect(r.events[0]?.data).toContain("mallory");
  });
});
