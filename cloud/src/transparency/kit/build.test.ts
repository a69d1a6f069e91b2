import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { AGENT_API } from "../../../../protocol/api.ts";
import { signChainHead } from "../../../../protocol/chain-heads.ts";
import { signNote } from "../../../../protocol/checkpoint.ts";
import { buildBundle, bundleHash, type EvidenceBundle } from "../../../../protocol/evidence.ts";
import { generateKeyPair } from "../../../../protocol/sign.ts";
import { sampleCheckin, sampleFinding } from "../../../../protocol/testkit.ts";
import { requirement } from "../../../../test/support/requirement.ts";
import { anchorDueCheckpoints } from "../../anchoring/anchor.ts";
import { startTestCalendar, type TestCalendar } from "../../anchoring/testing/calendar.ts";
import { startTestTsa, type TestTsa } from "../../anchoring/testing/openssl-tsa.ts";
import { defaultCloudConfig } from "../../config.ts";
import { auditLog } from "../../db/schema/audit.ts";
import { drainOutbox } from "../../evidence/outbox.ts";
import { ensureEvidencePartitions } from "../../evidence/partitions.ts";
import { rotateKeys } from "../../keys/keyring.ts";
import { describeEachDb } from "../../testing/each-db.ts";
import type { TestAppliance, TestCloud } from "../../testing/test-cloud.ts";
import { addPortalUser, signInPortal } from "../../web/testing/client.ts";
import { checkpointKey, issueCheckpoint, latestCheckpoint } from "../checkpoints.ts";

const which = (cmd: string) =>
  spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).stdout.trim();
// The interpreter itself, not a version manager's shell shim (which needs more than python3 on PATH).
const PYTHON = spawnSync("python3", ["-c", "import os, sys; print(os.path.realpath(sys.executable))"], {
  encoding: "utf8",
}).stdout?.trim();
const TOOLS = requirement(
  "python3 and openssl",
  Boolean(PYTHON) && which("openssl") !== "",
  "node_modules/.bin/bun test/setup/prepare.ts",
);

/** A bundle chain of `a` created on the given days (one bundle per entry, 10:00 UTC), after `from`. */
async function uploadOn(
  a: TestAppliance & { key: { secretKey: string } },
  days: string[],
  from = { seq: 0, hash: "" },
) {
  const bundles: EvidenceBundle[] = [];
  let head = from;
  for (const day of days) {
    const at = `${day}T10:00:00.000Z`;
    const b = buildBundle(
      a,
      head,
      { kind: "check-cycle", findings: [sampleFinding({ observedAt: at })], createdAt: at },
      a.key.secretKey,
    );
    bundles.push(b);
    head = { seq: b.seq, hash: bundleHash(b) };
  }
  const r = await a.upload(bundles);
  expect(r.status).toBe(200);
  return bundles;
}

/** A check-in carrying the appliance's signed chain head at `last`. */
async function checkinHead(c: TestCloud, a: TestAppliance, last: EvidenceBundle) {
  const head = { seq: last.seq, hash: bundleHash(last) };
  const signedHead = signChainHead(
    { siteId: a.siteId, applianceId: a.applianceId, ...head, at: "2026-11-28T12:00:00.000Z" },
    a.key.secretKey,
  );
  const r = await c.call("POST", AGENT_API.checkin, {
    bearer: a.apiKey,
    body: sampleCheckin({ chain: { seq: head.seq, head: head.hash }, signedHead }),
  });
  expect(r.status).toBe(200);
}

/** Extract a kit with tar into a fresh folder; returns the kit's own folder. */
function extract(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "kit-"));
  writeFileSync(join(dir, "kit.tar"), bytes);
  const r = spawnSync("tar", ["-xf", "kit.tar"], { cwd: dir });
  expect(r.status).toBe(0);
  const [kit] = readdirSync(dir).filter((n) => n !== "kit.tar");
  return join(dir, kit!);
}

/** Run verify_kit.py with PATH holding only python3 and openssl. */
function verifyKit(kit: string, ...args: string[]) {
  const bin = mkdtempSync(join(tmpdir(), "kit-bin-"));
  symlinkSync(PYTHON!, join(bin, "python3"));
  symlinkSync(which("openssl"), join(bin, "openssl"));
  const r = spawnSync(join(bin, "python3"), ["verify_kit.py", ...args], {
    cwd: kit,
    env: { PATH: bin },
    encoding: "utf8",
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** What a forger who also rewrites SHA256SUMS leaves behind. */
function resum(kit: string): void {
  const lines = readFileSync(join(kit, "SHA256SUMS"), "utf8").trimEnd().split("\n");
  const sums = lines.map((l) => {
    const name = l.slice(66);
    return `${createHash("sha256")
      .update(readFileSync(join(kit, name)))
      .digest("hex")}  ${name}`;
  });
  writeFileSync(join(kit, "SHA256SUMS"), `${sums.join("\n")}\n`);
}

function editLines(kit: string, file: string, edit: (lines: string[]) => string[]): void {
  const lines = readFileSync(join(kit, file), "utf8").split("\n").slice(0, -1);
  writeFileSync(
    join(kit, file),
    edit(lines)
      .map((l) => `${l}\n`)
      .join(""),
  );
}

let tsa: TestTsa | undefined;
let cal: TestCalendar | undefined;
beforeAll(() => {
  if (!TOOLS) return;
  tsa = startTestTsa();
  cal = startTestCalendar();
});
afterAll(async () => {
  await tsa?.stop();
  await cal?.stop();
});

describeEachDb(
  "the auditor's kit",
  (cloud) => {
    let reader: string;
    let first: Uint8Array;
    const url = "/api/sites/kit-a/tlog/kit?from=2026-11-24&to=2026-11-26";

    test("two downloads are byte-identical, fixed headers, each one audited", async () => {
      const c = cloud();
      await c.createSite("kit-a");
      const a1 = await c.createAppliance("kit-a", "kit-a1");
      const chain1 = await uploadOn(a1, [
        "2026-11-23",
        "2026-11-24",
        "2026-11-25",
        "2026-11-25",
        "2026-11-26",
        "2026-11-27",
      ]);
      await checkinHead(c, a1, chain1.at(-1)!);
      // One appliance with nothing in the period: the pair straddling it shows so.
      await uploadOn(await c.createAppliance("kit-a", "kit-a2"), ["2026-11-20", "2026-11-28"]);
      reader = await c.adminToken("read-only", "kit-a");
      expect((await c.call("GET", url, { bearer: reader })).status).toBe(404);
      await issueCheckpoint(c.deps.db, c.deps, "kit-a");
      await uploadOn(await c.createAppliance("kit-a", "kit-a3"), ["2026-11-25"]);
      await issueCheckpoint(c.deps.db, c.deps, "kit-a");

      const r1 = await c.call("GET", url, { bearer: reader });
      expect(r1.status).toBe(200);
      expect(r1.headers.get("content-type")).toBe("application/x-tar");
      expect(r1.headers.get("content-disposition")).toContain("kit-a-2026-11-24-2026-11-26.tar");
      first = new Uint8Array(await r1.arrayBuffer());
      c.clock.advance(3_600_000);
      const second = new Uint8Array(await (await c.call("GET", url, { bearer: reader })).arrayBuffer());
      expect(Buffer.compare(first, second)).toBe(0);

      const audit = await c.deps.db.select().from(auditLog).where(eq(auditLog.action, "evidence.kit"));
      expect(audit.map((a) => [a.siteId, a.target, a.outcome])).toEqual([
        ["kit-a", "kit-a-2026-11-24-2026-11-26.tar", "ok"],
        ["kit-a", "kit-a-2026-11-24-2026-11-26.tar", "ok"],
      ]);
      // Every header fixed: owner 0, no owner names, the checkpoint's time, 0644 (0755 for the script).
      const listing = spawnSync(
        PYTHON ?? "python3",
        [
          "-c",
          "import sys, tarfile\nfor m in tarfile.open(fileobj=sys.stdin.buffer, mode='r|'):\n print(m.name.split('/', 1)[1], oct(m.mode), m.uid, m.gid, repr(m.uname), m.mtime)",
        ],
        { input: first, encoding: "utf8" },
      );
      const mtime = Math.floor(
        Date.parse((await latestCheckpoint(c.deps.db, c.deps, "kit-a"))!.createdAt) / 1000,
      );
      expect(listing.stdout.trim().split("\n")).toEqual(
        [
          ["README.md", "0o644"],
          ["verify_kit.py", "0o755"],
          ["manifest.json", "0o644"],
          ["checkpoint.note", "0o644"],
          ["checkpoints/000001-size-8.note", "0o644"],
          ["leaves.tsv", "0o644"],
          ["bundles.jsonl", "0o644"],
          ["context.jsonl", "0o644"],
          ["heads.jsonl", "0o644"],
          ["proofs.jsonl", "0o644"],
          ["keys.json", "0o644"],
          ["SHA256SUMS", "0o644"],
        ].map(([name, mode]) => `${name} ${mode} 0 0 '' ${mtime}`),
      );
      const kit = extract(first);
      const manifest = JSON.parse(readFileSync(join(kit, "manifest.json"), "utf8"));
      expect(manifest.bundles).toBe(4);
      expect(manifest.contextBundles).toBe(4);
      expect(manifest.checkpoint.size).toBe(9);
      expect(readdirSync(join(kit, "checkpoints"))).toHaveLength(1);
      expect(readFileSync(join(kit, "bundles.jsonl"), "utf8").split("\n")).toHaveLength(5);
    });

    test("other sites' tokens, bad periods and the rate limit are refused", async () => {
      const c = cloud();
      await c.createSite("kit-b");
      const other = await c.adminToken("read-only", "kit-b");
      expect((await c.call("GET", url, { bearer: other })).status).toBe(403);
      const bad = await c.call("GET", "/api/sites/kit-a/tlog/kit?from=2026-11-26&to=2026-11-24", {
        bearer: reader,
      });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain("not before its end");
      expect(
        (await c.call("GET", "/api/sites/kit-a/tlog/kit?from=2026-13-01&to=2026-11-24", { bearer: reader }))
          .status,
      ).toBe(400);
      // One download so far in this hour's window, a limit of 3 in the test cloud.
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await c.call("GET", url, { bearer: reader })).status);
      expect(statuses).toEqual([200, 200, 429]);
    });

    test("the portal's evidence page offers the kit and downloads the same bytes, audited as the user", async () => {
      const c = cloud();
      await addPortalUser(c, "kit-a", "official@kit-a.example");
      const w = await signInPortal(c, "official@kit-a.example");
      const page = await w.get("/portal/s/kit-a/evidence");
      expect(page.html).toContain('action="/portal/s/kit-a/kit.tar"');
      const got = await w.get("/portal/s/kit-a/kit.tar?from=2026-11-24&to=2026-11-26");
      expect(got.status).toBe(200);
      expect(got.headers.get("content-type")).toBe("application/x-tar");
      expect(got.html).toBe(new TextDecoder().decode(first));
      const bad = await w.get("/portal/s/kit-a/kit.tar?from=2026-11-24");
      expect(bad.status).toBe(400);
      const audit = await c.deps.db.select().from(auditLog).where(eq(auditLog.action, "evidence.kit"));
      expect(audit.at(-1)!.actor).toContain("portal:");
    });

    test.skipIf(!TOOLS)("verify_kit.py passes with only python3 and openssl on PATH", () => {
      const kit = extract(first);
      const r = verifyKit(kit, "--all-signatures");
      expect(r.out).toContain("OK site kit-a");
      expect(r.out).toContain("4 bundles (and 4 at the period's edges) of 3 appliance(s)");
      expect(r.out).toContain(
        "COMPLETE log for appliance kit-a1 up to #6, signed by it at 2026-11-28T12:00:00.000Z",
      );
      expect(r.code).toBe(0);
      expect(spawnSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: kit }).status).toBe(0);
    });

    test.skipIf(!TOOLS)(
      "an anchored site's kit carries its TSA token and .ots, which stamp its checkpoint",
      async () => {
        const c = cloud();
        await c.createSite("kit-e", "enterprise");
        const a = await c.createAppliance("kit-e", "kit-e1");
        const up = await a.upload(a.nextBundles(2));
        expect(up.status).toBe(200);
        await issueCheckpoint(c.deps.db, c.deps, "kit-e");
        const settings = {
          tsaUrl: tsa!.url,
          tsaCaPem: tsa!.caPem,
          calendars: [cal!.url],
          periodMin: { enterprise: 60 },
          upgradeEveryMin: 60,
        };
        expect((await anchorDueCheckpoints(c.deps, settings)).anchored).toBe(2);
        const bearer = await c.adminToken("read-only", "kit-e");
        const r = await c.call("GET", "/api/sites/kit-e/tlog/kit?from=2026-11-25&to=2026-11-26", { bearer });
        const kit = extract(new Uint8Array(await r.arrayBuffer()));
        const ok = verifyKit(kit);
        expect(ok.out).toContain("2 time anchor(s) stamp the kit's checkpoints");
        expect(ok.code).toBe(0);
        writeFileSync(join(kit, "..", "tsa-ca.pem"), tsa!.caPem);
        const ts = spawnSync(
          "openssl",
          [
            "ts",
            "-verify",
            "-token_in",
            "-in",
            "anchors/checkpoint.tst",
            "-data",
            "checkpoint.note",
            "-CAfile",
            "../tsa-ca.pem",
          ],
          { cwd: kit, encoding: "utf8" },
        );
        expect(ts.stdout).toContain("Verification: OK");
        // A token over some other text is named.
        const tst = readFileSync(join(kit, "anchors/checkpoint.tst"));
        const at = tst.indexOf(
          createHash("sha256")
            .update(readFileSync(join(kit, "checkpoint.note")))
            .digest(),
        );
        tst[at] = tst[at]! ^ 1;
        writeFileSync(join(kit, "anchors/checkpoint.tst"), tst);
        resum(kit);
        expect(verifyKit(kit).out).toContain(
          "anchors/checkpoint.tst: the rfc3161 anchor does not stamp checkpoint.note",
        );
      },
    );

    test.skipIf(!TOOLS)("a pinned cloud key that is not the kit's is refused", () => {
      const r = verifyKit(extract(first), "--cloud-key", generateKeyPair().publicKey);
      expect(r.code).toBe(1);
      expect(r.out).toContain("the pinned cloud key");
    });

    test.skipIf(!TOOLS)("a tampered bundle is named, with or without SHA256SUMS rewritten", () => {
      const kit = extract(first);
      editLines(kit, "bundles.jsonl", (ls) =>
        ls.map((l, i) => (i === 1 ? l.replace('"pass"', '"fail"') : l)),
      );
      const plain = verifyKit(kit);
      expect(plain.out).toContain("FAIL SHA256SUMS: bundles.jsonl does not match its listed hash");
      resum(kit);
      const forged = verifyKit(kit);
      expect(forged.code).toBe(1);
      expect(forged.out).toContain("bundles.jsonl line 2: bundle kit-a1#3 was tampered with");
    });

    test.skipIf(!TOOLS)("an altered signed chain head is named", () => {
      const kit = extract(first);
      editLines(kit, "heads.jsonl", (ls) => ls.map((l) => l.replace('"seq":6', '"seq":5')));
      resum(kit);
      const r = verifyKit(kit);
      expect(r.code).toBe(1);
      expect(r.out).toContain(
        "heads.jsonl line 1: the signature of appliance kit-a1's chain head does not verify",
      );
    });

    test.skipIf(!TOOLS)("a dropped bundle and a truncated period are named", () => {
      const middle = extract(first);
      editLines(middle, "bundles.jsonl", (ls) => ls.filter((l) => !l.includes('"seq":3,')));
      resum(middle);
      const r1 = verifyKit(middle);
      expect(r1.code).toBe(1);
      expect(r1.out).toContain(
        "appliance kit-a1: bundle #3 is missing from the kit (leaf 2 of the log): dropped",
      );

      const tail = extract(first);
      editLines(tail, "bundles.jsonl", (ls) => ls.filter((l) => !l.includes('"seq":4,')));
      editLines(tail, "context.jsonl", (ls) => ls.filter((l) => !l.includes('"seq":5,')));
      resum(tail);
      const r2 = verifyKit(tail);
      expect(r2.code).toBe(1);
      expect(r2.out).toContain(
        "appliance kit-a1: bundle #4 is in the log but missing from the kit: the kit is truncated at its end",
      );

      // Leaving the leaf out of leaves.tsv too no longer matches the signed root.
      editLines(tail, "leaves.tsv", (ls) => ls.slice(0, -1));
      resum(tail);
      expect(verifyKit(tail).out).toContain("leaves, but the signed checkpoint is of 9");
    });

    test.skipIf(!TOOLS)("a foreign checkpoint, a forged one and a rolled-back log are named", async () => {
      const c = cloud();
      const foreign = extract(first);
      const other = await issueCheckpoint(c.deps.db, c.deps, "kit-b");
      writeFileSync(join(foreign, "checkpoint.note"), other.note);
      resum(foreign);
      expect(verifyKit(foreign).out).toContain("checkpoint.note: foreign checkpoint: its origin is");

      const forged = extract(first);
      const stranger = generateKeyPair();
      const name = checkpointKey(c.deps, "kit-a").name;
      const body = readFileSync(join(forged, "checkpoint.note"), "utf8").split("\n\n")[0]!;
      writeFileSync(
        join(forged, "checkpoint.note"),
        signNote(`${body}\n`, name, stranger.secretKey, stranger.publicKey),
      );
      resum(forged);
      expect(verifyKit(forged).out).toContain(
        "checkpoint.note: foreign checkpoint: no signature by a cloud key",
      );

      const rolled = extract(first);
      const [older] = readdirSync(join(rolled, "checkpoints"));
      const newest = readFileSync(join(rolled, "checkpoint.note"));
      writeFileSync(join(rolled, "checkpoint.note"), readFileSync(join(rolled, "checkpoints", older!)));
      writeFileSync(join(rolled, "checkpoints", older!), newest);
      resum(rolled);
      const r = verifyKit(rolled);
      expect(r.code).toBe(1);
      expect(r.out).toContain("beyond the newest checkpoint's 8: the log was rolled back");
    });

    test.skipIf(!TOOLS)(
      "after a month past the retention is dropped, the kit starts the appliance at its floor, which the log vouches for",
      async () => {
        const c = cloud();
        await c.createSite("kit-f");
        const a = await c.createAppliance("kit-f", "kit-f1");
        await ensureEvidencePartitions(
          c.deps.db,
          new Date("2015-01-01T00:00:00Z"),
          new Date("2015-01-31T00:00:00Z"),
        );
        // #1–#3 created and received in January 2015, #4–#6 now.
        const now = c.clock.now();
        c.clock.set(new Date("2015-01-20T00:00:00Z"));
        const old = await uploadOn(a, ["2015-01-10", "2015-01-11", "2015-01-12"]);
        c.clock.set(now);
        const oldHead = { seq: 3, hash: bundleHash(old.at(-1)!) };
        await uploadOn(a, ["2026-11-24", "2026-11-25", "2026-11-26"], oldHead);
        while ((await drainOutbox(c.deps)).written > 0);
        await c.withOwnerDb((db) =>
          db.execute(sql`SELECT * FROM malachor_evidence_partition_drop('2015-01-01', '1 day')`),
        );
        await issueCheckpoint(c.deps.db, c.deps, "kit-f");
        const bearer = await c.adminToken("read-only", "kit-f");
        const today = new Date().toISOString().slice(0, 10);
        const retained = `RETAINED appliance kit-f1 verified from #4 (bundles #1–#3 dropped past the retention on ${today})`;
        for (const [from, to, inPeriod, edges] of [
          ["2026-11-25", "2026-11-26", 1, 2],
          // A period wholly dropped: the first retained bundle shows where the chain goes on.
          ["2015-01-01", "2015-02-01", 0, 1],
        ] as const) {
          const r = await c.call("GET", `/api/sites/kit-f/tlog/kit?from=${from}&to=${to}`, { bearer });
          expect(r.status).toBe(200);
          const kit = extract(new Uint8Array(await r.arrayBuffer()));
          const ok = verifyKit(kit, "--all-signatures");
          expect(ok.out).toContain(
            `${inPeriod} bundles (and ${edges} at the period's edges) of 1 appliance(s)`,
          );
          expect(ok.out).toContain(retained);
          expect(ok.code).toBe(0);
          // A floor naming another hash than the log's leaf for #3 is named.
          editLines(kit, "floors.jsonl", (ls) =>
            ls.map((l) => l.replace(/"prevHash":"[0-9a-f]{64}"/, `"prevHash":"${"0".repeat(64)}"`)),
          );
          resum(kit);
          const bad = verifyKit(kit);
          expect(bad.code).toBe(1);
          expect(bad.out).toContain(
            "floors.jsonl line 1: appliance kit-f1's floor says its dropped bundle #3 hashed to 0000000000000000..., which is not the log's leaf for it",
          );
        }
      },
    );

    test.skipIf(!TOOLS)(
      "after a key rotation the kit lists both keys with their windows and verifies pinned to both",
      async () => {
        const c = cloud();
        await c.createSite("kit-r");
        await uploadOn(await c.createAppliance("kit-r", "kit-r1"), ["2026-11-24", "2026-11-25"]);
        await issueCheckpoint(c.deps.db, c.deps, "kit-r");
        const old = { ...c.deps.keys };
        c.clock.advance(60_000);
        const { next } = await rotateKeys(c.deps.db, old, c.clock.now(), 24 * 3_600_000);
        Object.assign(c.deps.keys, next); // a restart with the rotated key file (last test: the cloud is shared)
        c.clock.advance(60_000);
        await uploadOn(await c.createAppliance("kit-r", "kit-r2"), ["2026-11-25"]);
        await issueCheckpoint(c.deps.db, c.deps, "kit-r");
        const token = await c.adminToken("read-only", "kit-r");
        const r = await c.call("GET", "/api/sites/kit-r/tlog/kit?from=2026-11-24&to=2026-11-26", {
          bearer: token,
        });
        expect(r.status).toBe(200);
        const kit = extract(new Uint8Array(await r.arrayBuffer()));
        const keys = JSON.parse(readFileSync(join(kit, "keys.json"), "utf8")) as {
          cloud: { keyId: string; validFrom: string; validUntil: string | null }[];
        };
        expect(keys.cloud.map((k) => [k.keyId, k.validUntil === null])).toEqual([
          [old.keyId, false],
          [next.keyId, true],
        ]);
        const both = verifyKit(kit, "--cloud-key", old.publicKey, "--cloud-key", next.publicKey);
        expect(both.out).toContain("OK");
        expect(both.code).toBe(0);
        // Pinned to the new key only, the checkpoint the old key signed is not vouched for.
        const newOnly = verifyKit(kit, "--cloud-key", next.publicKey);
        expect(newOnly.code).toBe(1);
        expect(newOnly.out).toContain("foreign checkpoint: no signature by a cloud key");
        // A newest checkpoint signed after its key's window closed is named.
        editLines(kit, "keys.json", (ls) =>
          ls.map((l) => l.replace(/"validUntil": ?null/, `"validUntil": "${keys.cloud[1]!.validFrom}"`)),
        );
        resum(kit);
        expect(verifyKit(kit).out).toContain("outside its validity window");
      },
    );
  },
  {
    config: {
      rateLimits: { ...defaultCloudConfig().rateLimits, kitDownload: { limit: 3, windowSec: 3600 } },
    },
  },
);
