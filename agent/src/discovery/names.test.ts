import { expect, test } from "bun:test";
import type { DeviceReport } from "../../../protocol/targets.ts";
import { openStateDb, setMeta } from "../queue/db.ts";
import { discoveredNames, keepNames, namesOf } from "./names.ts";

const seenAt = "2026-12-01T10:00:00.000Z";
const report = (devices: DeviceReport["devices"]): DeviceReport => ({ observedAt: seenAt, devices });

test("every address of a named device maps to its first name; unnamed devices are left out", () => {
  expect(
    namesOf(
      report([
        {
          addresses: ["192.168.10.20", "fe80::20"],
          names: ["FRONTDESK-2", "frontdesk-2.clinic.local"],
          sources: ["active-directory", "neighbour-table"],
          openPorts: [],
          seenAt,
        },
        { addresses: ["192.168.10.31"], names: [], sources: ["neighbour-table"], openPorts: [], seenAt },
      ]),
    ),
  ).toEqual({ "192.168.10.20": "FRONTDESK-2", "fe80::20": "FRONTDESK-2" });
});

test("the latest pass's names are kept; none before a pass or when the stored value is unreadable", () => {
  const db = openStateDb(":memory:");
  expect(discoveredNames(db)).toEqual({});
  const named = (address: string, name: string) => ({
    addresses: [address],
    names: [name],
    sources: ["dhcp-lease" as const],
    openPorts: [],
    seenAt,
  });
  keepNames(db, report([named("10.0.0.5", "EXAM-1")]));
  expect(discoveredNames(db)).toEqual({ "10.0.0.5": "EXAM-1" });
  // A later pass replaces it: a device gone from the network is not named any more.
  keepNames(db, report([named("10.0.0.6", "EXAM-2")]));
  expect(discoveredNames(db)).toEqual({ "10.0.0.6": "EXAM-2" });
  setMeta(db, "discovery.names", "{not json");
  expect(discoveredNames(db)).toEqual({});
  setMeta(db, "discovery.names", JSON.stringify({ "10.0.0.7": "" }));
  expect(discoveredNames(db)).toEqual({});
  db.close();
});
