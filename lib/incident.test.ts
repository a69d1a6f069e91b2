import { expect, test } from "bun:test";
import { sampleFinding } from "../protocol/testkit.ts";
import { newIncident } from "./incident.ts";

test("an incident's summary leads with what the check is about, not with the host's address", () => {
  const i = newIncident(
    sampleFinding({
      checkId: "windows.firewall",
      host: "192.168.10.20",
      status: "fail",
      title: "Firewall on for all profiles",
      expected: "on for Domain, Private, Public",
      actual: "off for Public",
    }),
    {
      id: "inc-1",
      applianceId: "app-1",
      tier: "L3",
      reason: "no L1 rule covers this drift",
      at: "2026-12-01T10:00:00.000Z",
    },
  );
  expect(i.summary).toBe(
    "Firewall on for all profiles (windows.firewall): expected on for Domain, Private, Public; found off for Public. no L1 rule covers this drift",
  );
  expect(i.summary).not.toContain("192.168.10.20");
  // The host stays on the incident itself, where pages look up its name.
  expect(i.host).toBe("192.168.10.20");
});
