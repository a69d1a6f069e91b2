/**
 * The demo's Windows drifts against the WinRM test server: a workstation's screen lock removed is
 * found and fixed by its runbook; a brute-force burst is raised to a person by an escalate rule.
 */
import { expect, test } from "bun:test";
import { decideL1 } from "../../agent/src/heal/l1/decide.ts";
import { openStateDb } from "../../agent/src/queue/db.ts";
import { runRunbook } from "../../agent/src/runbooks/runner.ts";
import { scanWindowsHost } from "../../agent/src/runbooks/windows-checks.ts";
import { WinRmExecutor } from "../../agent/src/runbooks/winrm-executor.ts";
import { collectThreats } from "../../agent/src/windows/threat-provider.ts";
import { compileRules } from "../../lib/rules/compile.ts";
import { runbookById, WINDOWS_CHECKS } from "../../runbooks/index.ts";
import { BUILTIN_RULES } from "../../runbooks/rules/index.ts";
import { useLoopbackWinRm } from "../winrm-server/loopback.ts";
import { asWorkstation, compliantState } from "../winrm-server/state.ts";
import { applyDrift } from "./drifts.ts";

const winrm = useLoopbackWinRm({
  user: "svc",
  password: "pw",
  state: asWorkstation(compliantState("EXAM-PC1")),
});

test("screen-lock-off on a workstation: the scan fails it, its runbook fixes and verifies it", async () => {
  const executor = new WinRmExecutor(winrm.client, "EXAM-PC1");
  await applyDrift(`http://127.0.0.1:${winrm.server.port}`, "screen-lock-off");
  const scan = await scanWindowsHost({ executor }, WINDOWS_CHECKS, 60_000);
  expect(scan.role).toBe("workstation");
  const found = scan.findings.find((f) => f.checkId === "windows.screen-lock")!;
  expect(found.status).toBe("fail");
  // On a workstation an L1 rule fixes it; on a server the same drift is left to L2 and people.
  const rules = compileRules(BUILTIN_RULES);
  expect(decideL1(found, { platform: "windows" }, rules, new Map() as never, Date.now())).toMatchObject({
    type: "runbook",
    runbookId: "windows.screen-lock",
    rule: { id: "l1-windows-screen-lock" },
  });
  const onServer = { ...found, details: { ...found.details, role: "server" } };
  expect(decideL1(onServer, { platform: "windows" }, rules, new Map() as never, Date.now()).type).toBe(
    "none",
  );
  const run = await runRunbook({ runbook: runbookById("windows.screen-lock")!, executor });
  expect({ outcome: run.outcome, verify: run.verify }).toEqual({ outcome: "fixed", verify: "pass" });
});

test("brute-force: the burst is read from the Security log and escalated to a person", async () => {
  const db = openStateDb(":memory:");
  const executors = () => [new WinRmExecutor(winrm.client, "EXAM-PC1")];
  await collectThreats({ db, executors });
  await applyDrift(`http://127.0.0.1:${winrm.server.port}`, "brute-force");
  const f = (await collectThreats({ db, executors })).find(
    (x) => x.checkId === "windows.threat-brute-force",
  )!;
  expect(f.status).toBe("fail");
  expect(
    decideL1(f, { platform: "windows" }, compileRules(BUILTIN_RULES), new Map() as never, Date.now()).type,
  ).toBe("escalate");
});
