/**
 * `npm run demo`: the whole system on loopback — the cloud on its embedded defaults, a clinic
 * site with one appliance enrolled by zero-touch claim (its MAC registered, the claim approved
 * through the admin API as a technician would, comparing the key fingerprint the appliance
 * printed), the WinRM test server as the clinic's Windows file server and as its front-desk
 * workstation, and the compiled `malachor run` — then URLs to open and drifts to introduce.
 *
 *   bun test/demo/demo.ts [--once] [--interval SEC] [--verbose] [--keep]
 *
 * --once runs the scenario unattended (score → firewall drift → L1 fix → receipt checked in the
 * portal and by `malachor evidence verify`; the workstation's screen lock removed → L1 fix; a
 * brute-force burst at the front desk → an L3 incident in the dashboard's queue) and exits 0 or 1.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { defaultCloudConfig } from "../../cloud/src/config.ts";
import { cloudVerify } from "../e2e/harness/chain.ts";
import { Stack } from "../e2e/harness/stack.ts";
import { WaitTimeout, waitFor } from "../e2e/harness/wait.ts";
import {
  dashboardSession,
  invitePortalUser,
  magicLinkIn,
  portalSession,
  requestMagicLink,
  type WebSession,
} from "../e2e/harness/web.ts";
import { applyDrift, DRIFTS, type DriftName, LAST_DRIFT_FILE, SESSION_FILE } from "./drifts.ts";
import { driveToPromotion, startDemoPlanner } from "./l2.ts";
import { setUpProgram } from "./program.ts";
import {
  bundlesIn,
  fixesIn,
  l3QueueOnPage,
  type ObservedFix,
  programIn,
  type QueuedIncident,
  type ScoreMove,
  scoreMove,
  scoreOnPage,
} from "./watch.ts";

const { values } = parseArgs({
  options: {
    once: { type: "boolean", default: false },
    interval: { type: "string", default: "15" },
    verbose: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const intervalSec = Number(values.interval);
if (!Number.isInteger(intervalSec) || intervalSec < 10 || intervalSec > 3600) {
  process.stderr.write(`--interval: expected 10–3600 seconds, got "${values.interval}"\n`);
  process.exit(2);
}

const t0 = Date.now();
const clock = () => {
  const s = Math.floor((Date.now() - t0) / 1000);
  return `[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}]`;
};
const say = (line = "") => process.stdout.write(`${line}\n`);
const PORTAL_EMAIL = "privacy.officer@riverside-clinic.example";
const OFFICER = { name: "Dana Reyes", email: PORTAL_EMAIL };

say("Malachor demo: starting the cloud, the simulated Windows server and workstation, and the appliance…");
// Ctrl-C during start-up: let the step in progress end (it cleans up after itself), then stop.
let interrupted = false;
const onEarlySignal = () => {
  interrupted = true;
  say("interrupted: stopping as soon as the current start-up step ends…");
};
process.on("SIGINT", onEarlySignal);
process.on("SIGTERM", onEarlySignal);
// The L2 planner's scripted model, on loopback in this process (test/demo/l2.ts).
const planner = startDemoPlanner();
const stack = await Stack.start({
  planner: planner.env,
  intervalSec,
  echo: values.verbose,
  keep: values.keep,
  workstation: true,
  simulatedLinux: true,
}).catch((e) => {
  if (!interrupted) process.stderr.write(`demo: could not start: ${(e as Error).message}\n`);
  process.exit(interrupted ? 130 : 1);
});
process.off("SIGINT", onEarlySignal);
process.off("SIGTERM", onEarlySignal);

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say(`${clock()} stopping everything…`);
    if (!values.once) {
      rmSync(SESSION_FILE, { force: true });
      rmSync(LAST_DRIFT_FILE, { force: true });
    }
    await stack.stop();
    say(values.keep ? `data kept in ${stack.dir}` : "stopped; temporary data removed.");
  }
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
if (interrupted) await shutdown(130);

const cloud = stack.cloud;
// The stack was started with a workstation.
const workstation = stack.workstation!;
/** A host as a person reads it: the name it reports, with the address the checks used. */
const hostLabel = (address: string) => {
  const sim = [stack.winrm, workstation].find((w) => w.host === address);
  return sim ? `${sim.name} (${address})` : address;
};
/** The simulated host a drift applies to. */
const simUrlOf = (name: DriftName) => (DRIFTS[name].on === "workstation" ? workstation.url : stack.winrm.url);
// drift.ts finds the interactive demo's simulator here (--once drifts by itself: no file, so a
// test run never disturbs a demo someone is watching).
if (!values.once) {
  mkdirSync(dirname(SESSION_FILE), { recursive: true });
  writeFileSync(
    SESSION_FILE,
    JSON.stringify({
      simUrl: stack.winrm.url,
      workstationUrl: workstation.url,
      cloudUrl: cloud.url,
      pid: process.pid,
    }),
  );
}

// A portal user for the clinic's privacy officer, and a sign-in link (no SMTP in the demo: the cloud
// runs with MAIL_LOG_LINKS=dev, set by the stack, so it logs whole mails).
let admin: WebSession;
let link: string | undefined;
try {
  admin = await dashboardSession(cloud.url, cloud.adminToken);
  await invitePortalUser(admin, stack.siteId, PORTAL_EMAIL, "Dana Reyes (privacy officer)");
  await requestMagicLink(cloud.url, PORTAL_EMAIL);
  link = await waitFor(
    "the portal sign-in link in the cloud log",
    () => magicLinkIn(cloud.service?.output() ?? []),
    {
      timeoutMs: 15_000,
    },
  );
} catch (e) {
  process.stderr.write(`demo: web sign-in set-up failed: ${(e as Error).message}\n`);
  await shutdown(1);
}

// The clinic's compliance program, once the appliance's first findings can prefill the risk
// assessment: set up by the MSP over the API and by the officer in the portal (which uses her
// first sign-in link, so a fresh one is printed below).
let unassessed: string[] = [];
let officer: WebSession;
try {
  await waitFor("the appliance's first check results", score, { timeoutMs: 60_000 });
  officer = await portalSession(link!);
  unassessed = await setUpProgram(cloud, stack.siteId, OFFICER, officer);
  const used = link;
  await requestMagicLink(cloud.url, PORTAL_EMAIL);
  link = await waitFor(
    "a fresh portal sign-in link in the cloud log",
    () => {
      const l = magicLinkIn(cloud.service?.output() ?? []);
      return l && l !== used ? l : undefined;
    },
    { timeoutMs: 15_000 },
  );
} catch (e) {
  process.stderr.write(`demo: compliance program set-up failed: ${(e as Error).message}\n`);
  await shutdown(1);
}

const dashboardUrl = `${cloud.url}/dashboard/sites/${stack.siteId}`;
const curl = `curl -X POST ${stack.winrm.url}/_sim/state -H 'content-type: application/json' -d '${JSON.stringify(DRIFTS["firewall-off"].patch)}'`;
say(`
  cloud        ${cloud.url}   (PGlite + evidence store in ${cloud.dataDir})
  Windows      ${stack.winrm.url}/wsman   (WinRM test server: simulated clinic file server ${stack.winrm.name})
               ${workstation.url}/wsman   (WinRM test server: simulated front-desk workstation ${workstation.name})
  appliance    ${stack.applianceId} of site ${stack.siteId}   (compiled malachor, checks every ${intervalSec} s)
               enrolled by claim ${stack.enrolment.claimId}, approved for key fingerprint ${stack.enrolment.fingerprint}

Open in a browser:
  Dashboard    ${dashboardUrl}
               sign in with the admin token  ${cloud.adminToken}
  Portal       ${link}
               (the privacy officer's one-time sign-in link, valid 15 min; for another, sign in at
                ${cloud.url}/portal/login as ${PORTAL_EMAIL}: the demo prints the new link here)
  Status page  ${stack.agent.statusUrl}/   (the appliance's local page)

Compliance program (portal → Program): risk assessment signed, every policy adopted and acknowledged,
  two BAAs with signed copies, training done — ${unassessed.length === 0 ? "the report has 0 unassessed controls" : `still unassessed: ${unassessed.join(", ")}`}
`);

async function score(): Promise<number | undefined> {
  const page = await admin.get(`/dashboard/sites/${stack.siteId}`);
  return scoreOnPage(page.html);
}

async function l3Queue(): Promise<QueuedIncident[]> {
  return l3QueueOnPage((await admin.get("/dashboard/incidents")).html);
}

function describeIncident(i: QueuedIncident): string {
  return `raised to a person: L3 incident ${i.id} for ${i.checkId} on ${hostLabel(i.host)} (never fixed automatically)
          dashboard: ${cloud.url}/dashboard/incidents`;
}

async function fixes(): Promise<ObservedFix[]> {
  return fixesIn(await cloud.text(`/api/sites/${stack.siteId}/evidence/export`));
}

/** How a fix's drift moved the score, recomputed from the signed chains (the site's evidence and program). */
async function scoreMoveOf(f: ObservedFix): Promise<ScoreMove | undefined> {
  const program = programIn(
    (await officer.get(`/portal/s/${stack.siteId}/program.jsonl`)).html,
    // The stack's site is on the professional tier, and its cloud keeps the default retention.
    defaultCloudConfig().retentionDays.professional,
  );
  return scoreMove(bundlesIn(await cloud.text(`/api/sites/${stack.siteId}/evidence/export`)), f, program);
}

const describeMove = (m: ScoreMove | undefined) =>
  m
    ? `score ${m.before}% → ${m.drifted}% once the drift was signed → ${m.fixed}% after the verified fix (recomputed from the signed evidence)`
    : "score move unknown: the chain lacks the bundle that first saw the drift";

/** The drift visibly moved the score and its fix moved it back up. */
const moved = (m: ScoreMove | undefined): m is ScoreMove =>
  m !== undefined &&
  m.before !== null &&
  m.drifted !== null &&
  m.fixed !== null &&
  m.drifted < m.before &&
  m.fixed > m.drifted;

function describeFix(f: ObservedFix): string {
  const r = f.receipt;
  const by = r.decidedBy.tier === "L1" ? `L1 rule ${r.decidedBy.ruleId}` : r.decidedBy.tier;
  const timing =
    f.detectToFixMs === undefined
      ? ""
      : `\n          detect → verified fix: ${(f.detectToFixMs / 1000).toFixed(2)} s`;
  return `fixed ${r.checkId} on ${hostLabel(r.host)} by ${by} (runbook ${r.runbookId}, verify ${r.verify}); receipt ${r.id} in bundle #${f.seq}${timing}
          portal: ${cloud.url}/portal/s/${stack.siteId}/evidence/bundle/${f.applianceId}/${f.seq}`;
}

const firstScore = await waitFor("a compliance score on the dashboard", score, { timeoutMs: 60_000 }).catch(
  (e) => {
    process.stderr.write(`demo: ${(e as Error).message}\n${stack.agent.tail(20)}\n`);
    return undefined;
  },
);
if (firstScore === undefined) await shutdown(1);
say(`${clock()} dashboard shows a compliance score of ${firstScore}%`);
// Meanwhile a drift only L2 fixes is driven until its fix is a promotion candidate (test/demo/l2.ts).
const promotion = driveToPromotion({
  stack,
  intervalSec,
  say: (line) => say(`${clock()} ${line}`),
  describeFix: values.once ? describeFix : undefined,
});

if (values.once) await unattended();
else await interactive();

function lastDrift(): { check: string; at: string } | undefined {
  if (!existsSync(LAST_DRIFT_FILE)) return undefined;
  try {
    return JSON.parse(readFileSync(LAST_DRIFT_FILE, "utf8")) as { check: string; at: string };
  } catch {
    return undefined;
  }
}

async function interactive(): Promise<never> {
  say(`
Introduce drift on the simulated Windows hosts, then watch it get fixed or raised to a person:
  npx bun test/demo/drift.ts firewall-off      (the file server; also: defender-off, smb1-on)
  npx bun test/demo/drift.ts screen-lock-off   (the front-desk workstation: fixed by an L1 rule)
  npx bun test/demo/drift.ts brute-force       (failed logons at the front desk: an L3 incident)
  or: ${curl}

Ctrl-C stops everything.`);
  const seen = new Set((await fixes()).map((f) => f.receipt.id));
  const queued = new Set((await l3Queue()).map((i) => i.id));
  let lastLink = link;
  for (;;) {
    await Bun.sleep(2_000);
    if (stopping) await new Promise(() => {});
    const newest = magicLinkIn(cloud.service?.output() ?? []);
    if (newest && newest !== lastLink) {
      lastLink = newest;
      say(`${clock()} new portal sign-in link (the demo's mailer is the cloud log): ${newest}`);
    }
    try {
      for (const i of await l3Queue()) {
        if (queued.has(i.id)) continue;
        queued.add(i.id);
        say(`${clock()} ${describeIncident(i)}`);
      }
      for (const f of await fixes()) {
        if (seen.has(f.receipt.id)) continue;
        seen.add(f.receipt.id);
        say(`${clock()} ${describeFix(f)}`);
        say(`          ${describeMove(await scoreMoveOf(f))}`);
        const drift = lastDrift();
        if (drift?.check === f.receipt.checkId && Date.parse(drift.at) <= Date.parse(f.receipt.finishedAt)) {
          const s = (Date.parse(f.receipt.finishedAt) - Date.parse(drift.at)) / 1000;
          say(
            `          drift introduced → verified fix: ${s.toFixed(1)} s (includes waiting for the next ${intervalSec} s cycle)`,
          );
        }
      }
    } catch (e) {
      if (!stopping) say(`${clock()} (cloud not answering: ${(e as Error).message})`);
    }
  }
}

async function unattended(): Promise<never> {
  const fail = async (why: string) => {
    process.stderr.write(`demo --once: FAILED: ${why}\n--- agent ---\n${stack.agent.tail(30)}\n`);
    return shutdown(1);
  };
  try {
    if (unassessed.length > 0)
      return fail(`controls still unassessed after the program: ${unassessed.join(", ")}`);
    const drift = DRIFTS["firewall-off"];
    const before = new Set((await fixes()).map((f) => f.receipt.id));
    const injected = Date.now();
    await applyDrift(simUrlOf("firewall-off"), "firewall-off");
    say(`${clock()} drift introduced: ${drift.what}`);
    const fix = await waitFor(
      `an L1 fix of ${drift.check} verified in the evidence`,
      async () => (await fixes()).find((f) => !before.has(f.receipt.id) && f.receipt.checkId === drift.check),
      { timeoutMs: (intervalSec * 2 + 60) * 1000 },
    );
    say(`${clock()} ${describeFix(fix)}`);
    say(
      `          drift introduced → verified fix: ${((Date.parse(fix.receipt.finishedAt) - injected) / 1000).toFixed(1)} s`,
    );
    if (fix.receipt.decidedBy.tier !== "L1")
      return fail(`expected an L1 fix, got ${fix.receipt.decidedBy.tier}`);

    // The privacy officer sees the receipt in the portal and can verify the chain herself.
    const portal = await portalSession(link!);
    const page = await portal.get(`/portal/s/${stack.siteId}/evidence/bundle/${fix.applianceId}/${fix.seq}`);
    if (page.status !== 200 || !page.html.includes(fix.receipt.runbookId)) {
      return fail(`the portal's bundle page (HTTP ${page.status}) does not show receipt ${fix.receipt.id}`);
    }
    const exported = await portal.get(`/portal/s/${stack.siteId}/evidence.jsonl`);
    if (exported.status !== 200) return fail(`portal export → HTTP ${exported.status}`);
    const chainFile = join(stack.dir, "portal-export.jsonl");
    const keyFile = join(stack.dir, "keys.txt");
    writeFileSync(chainFile, exported.html);
    writeFileSync(keyFile, await cloud.text(`/api/sites/${stack.siteId}/keys?format=text`));
    const v = Bun.spawnSync([stack.agent.paths.bin, "evidence", "verify", chainFile, "--pubkey", keyFile]);
    const out = `${v.stdout.toString()}${v.stderr.toString()}`.trim();
    if (v.exitCode !== 0) return fail(`malachor evidence verify on the portal export: ${out}`);
    const server = await cloudVerify(cloud, stack.siteId);
    if (!server.ok) return fail(`cloud chain verify: ${server.kind}: ${server.message}`);
    say(`${clock()} receipt shown in the portal; portal export verified by malachor evidence verify: ${out}`);
    // The compliance program's records: the site's own chain, signed by the cloud's key.
    const programFile = join(stack.dir, "program.jsonl");
    const cloudKeyFile = join(stack.dir, "cloud-key.txt");
    writeFileSync(programFile, (await portal.get(`/portal/s/${stack.siteId}/program.jsonl`)).html);
    writeFileSync(
      cloudKeyFile,
      `${(await cloud.api<{ publicKey: string }>("GET", "/api/keys/cloud")).publicKey}\n`,
    );
    const pv = Bun.spawnSync([
      stack.agent.paths.bin,
      "evidence",
      "verify",
      programFile,
      "--pubkey",
      cloudKeyFile,
    ]);
    const pout = `${pv.stdout.toString()}${pv.stderr.toString()}`.trim();
    if (pv.exitCode !== 0) return fail(`malachor evidence verify on the program chain: ${pout}`);
    say(`${clock()} program chain verified by malachor evidence verify: ${pout}`);

    // The front-desk workstation: its screen lock removed is fixed by an L1 rule…
    const lock = DRIFTS["screen-lock-off"];
    await applyDrift(simUrlOf("screen-lock-off"), "screen-lock-off");
    say(`${clock()} drift introduced: ${lock.what}`);
    const lockFix = await waitFor(
      `an L1 fix of ${lock.check} on ${hostLabel(workstation.host)} verified in the evidence`,
      async () =>
        (await fixes()).find(
          (f) =>
            !before.has(f.receipt.id) &&
            f.receipt.checkId === lock.check &&
            f.receipt.host === workstation.host,
        ),
      { timeoutMs: (intervalSec * 2 + 60) * 1000 },
    );
    say(`${clock()} ${describeFix(lockFix)}`);
    if (lockFix.receipt.decidedBy.tier !== "L1")
      return fail(`expected an L1 fix of the screen lock, got ${lockFix.receipt.decidedBy.tier}`);
    const moves: ScoreMove[] = [];
    for (const f of [fix, lockFix]) {
      const m = await scoreMoveOf(f);
      say(`${clock()} ${f.receipt.checkId} on ${hostLabel(f.receipt.host)}: ${describeMove(m)}`);
      if (!moved(m)) return fail(`the ${f.receipt.checkId} drift and its fix did not visibly move the score`);
      moves.push(m);
    }
    const [fwMove, lockMove] = moves as [ScoreMove, ScoreMove];

    // …and a brute-force burst there is raised to a person, never fixed.
    const burst = DRIFTS["brute-force"];
    const queuedBefore = new Set((await l3Queue()).map((i) => i.id));
    await applyDrift(simUrlOf("brute-force"), "brute-force");
    say(`${clock()} threat introduced: ${burst.what}`);
    const incident = await waitFor(
      `an L3 incident for ${burst.check} in the dashboard's queue`,
      async () =>
        (await l3Queue()).find(
          (i) => !queuedBefore.has(i.id) && i.checkId === burst.check && i.host === workstation.host,
        ),
      { timeoutMs: (intervalSec * 2 + 60) * 1000 },
    );
    say(`${clock()} ${describeIncident(incident)}`);
    if ((await fixes()).some((f) => f.receipt.checkId === burst.check))
      return fail(`${burst.check} was fixed automatically; threats go to people`);
    const l2 = await promotion;
    if (!l2.ok) return fail(l2.why);
    say(
      `DEMO OK: score ${firstScore}% with 0 unassessed controls; firewall drift ${fwMove.before}% → ${fwMove.drifted}% → ${fwMove.fixed}% fixed by L1, detect → verified fix ${((fix.detectToFixMs ?? Number.NaN) / 1000).toFixed(2)} s; workstation screen lock ${lockMove.before}% → ${lockMove.drifted}% → ${lockMove.fixed}% fixed by L1; brute force raised to a person (L3)`,
    );
    return shutdown(0);
  } catch (e) {
    return fail(e instanceof WaitTimeout ? e.message : String((e as Error)?.stack ?? e));
  }
}
