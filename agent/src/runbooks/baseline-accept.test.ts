/**
 * Accepting into a baseline, against the WinRM test server: a new scheduled task fails the
 * persistence check until a person accepts it (named, or everything the host has now); a check
 * that keeps no baseline is refused as a bad request.
 */
import { expect, test } from "bun:test";
import { WINDOWS_CHECKS } from "../../../runbooks/index.ts";
import { useLoopbackWinRm } from "../../../test/winrm-server/loopback.ts";
import { compliantState } from "../../../test/winrm-server/state.ts";
import { openStateDb } from "../queue/db.ts";
import { acceptBaseline, BaselineError } from "./baseline-accept.ts";
import { baselineRows, sqliteBaselines } from "./baselines.ts";
import { scanWindowsHost } from "./windows-checks.ts";
import { WinRmExecutor } from "./winrm-executor.ts";

const winrm = useLoopbackWinRm({ user: "svc", password: "pw", state: compliantState("CLINIC-FS01") });

const CHECK = "windows.persistence-tasks";
const task = (name: string) => ({
  taskName: name,
  taskPath: "\\",
  state: "Ready" as const,
  execute: `C:\\ProgramData\\${name}.exe`,
});

test("a new scheduled task fails until accepted, by name or as what the host has now", async () => {
  const db = openStateDb(":memory:");
  const store = sqliteBaselines(db);
  const executor = new WinRmExecutor(winrm.client, "CLINIC-FS01");
  const tasks = WINDOWS_CHECKS.filter((c) => c.id === CHECK);
  const status = async () =>
    (await scanWindowsHost({ executor }, tasks, 60_000, { baselines: store })).findings[0]!;
  expect((await status()).actual).toContain("baseline recorded");

  winrm.server.state.scheduledTasks.push(task("Updater"));
  const drift = await status();
  expect(drift.status).toBe("fail");
  const added = drift.details.added as string[];
  expect(added).toEqual(["\\Updater => C:\\ProgramData\\Updater.exe"]);

  const named = await acceptBaseline({
    store,
    checks: WINDOWS_CHECKS,
    host: "CLINIC-FS01",
    checkId: CHECK,
    items: added,
  });
  expect(named).toMatchObject({ accepted: added, dropped: [] });
  expect((await status()).status).toBe("pass");

  // Without items the host is asked: a second new task and the first one gone.
  winrm.server.state.scheduledTasks = winrm.server.state.scheduledTasks.filter(
    (t) => t.taskName !== "Updater",
  );
  winrm.server.state.scheduledTasks.push(task("Backup-Agent"));
  expect((await status()).status).toBe("fail");
  const current = await acceptBaseline({
    store,
    checks: WINDOWS_CHECKS,
    host: "CLINIC-FS01",
    checkId: CHECK,
    executor,
  });
  expect(current.accepted).toEqual(["\\Backup-Agent => C:\\ProgramData\\Backup-Agent.exe"]);
  expect(current.dropped).toEqual(added);
  expect((await status()).status).toBe("pass");
  expect(baselineRows(db, "CLINIC-FS01").find((r) => r.checkId === CHECK)?.items).toContain(
    "\\Backup-Agent => C:\\ProgramData\\Backup-Agent.exe",
  );
});

test("a check without a baseline is a bad request, naming the baseline checks", async () => {
  const store = sqliteBaselines(openStateDb(":memory:"));
  const err = await acceptBaseline({
    store,
    checks: WINDOWS_CHECKS,
    host: "CLINIC-FS01",
    checkId: "windows.firewall",
    items: ["x"],
  }).catch((e) => e);
  expect(err).toBeInstanceOf(BaselineError);
  expect(err.badRequest).toBe(true);
  expect(err.message).toContain("windows.persistence-services");
});
