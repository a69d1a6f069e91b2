import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { Finding } from "../../../protocol/finding.ts";
import { isKnownCitation } from "../../../protocol/hipaa.ts";
import { LINUX_CHECKS } from "./linux/index.ts";
import { RealHost } from "./real-host.ts";
import { runChecks } from "./run.ts";
import { startSntpServer } from "./sntp-server.fixture.ts";

const runbooks = join(import.meta.dir, "..", "..", "..", "runbooks", "linux");

describe("linux check catalogue", () => {
  test("ids are unique linux.<thing> slugs", () => {
    const ids = LINUX_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^linux\.[a-z0-9-]+$/);
  });

  test.each(LINUX_CHECKS.map((c) => [c.id, c] as const))(
    "%s cites controls that exist in the HIPAA catalogue",
    (_id, c) => {
      expect(c.citations.length).toBeGreaterThan(0);
      for (const cite of c.citations)
        expect({ cite, known: isKnownCitation(cite) }).toEqual({ cite, known: true });
    },
  );

  test.each(LINUX_CHECKS.filter((c) => c.runbookId).map((c) => [c.id, c.runbookId!] as const))(
    "%s's remediation runbook %s exists",
    (_id, runbookId) => {
      expect(existsSync(join(runbooks, runbookId, "runbook.toml"))).toBe(true);
    },
  );

  test("every check runs against this real host and yields a valid finding", async () => {
    const ntp = await startSntpServer();
    try {
      const findings = await runChecks(LINUX_CHECKS, {
        host: new RealHost(),
        hostName: "test-host",
        timeoutMs: 5_000,
        settings: {
          ntpServers: [ntp.address],
          ntpMaxOffsetMs: 500,
          allowedPorts: [22],
          expectedServices: ["sshd.service"],
          diskMaxPercent: 99,
        },
      });
      expect(findings.map((f) => f.checkId)).toEqual(LINUX_CHECKS.map((c) => c.id));
      for (const f of findings) {
        expect(v.safeParse(Finding, f).success).toBe(true);
        // A real host may fail checks, but a check must not crash on it.
        expect({ id: f.checkId, crashed: /check failed/.test(f.actual ?? "") }).toEqual({
          id: f.checkId,
          crashed: false,
        });
      }
      // Facts of this machine every check run can rely on.
      const byId = Object.fromEntries(findings.map((f) => [f.checkId, f]));
      expect(byId["linux.uid0-accounts"]!.status).toBe("pass");
      expect(byId["linux.disk-space"]!.status).not.toBe("error");
    } finally {
      ntp.close();
    }
  });
});
