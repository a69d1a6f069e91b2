/** Test fixtures: chains with chosen damage, and rows written straight into the database. */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { canonicalize } from "../../../protocol/canonical.ts";
import { parseJsonl } from "../../../protocol/chain.ts";
import { verifyChainExport } from "../../../protocol/chain-export.ts";
import {
  buildBundle,
  bundleHash,
  bundleSigningBytes,
  type ChainHead,
  type EvidenceBundle,
  type UnsignedBundle,
} from "../../../protocol/evidence.ts";
import { sign } from "../../../protocol/sign.ts";
import { sampleFinding } from "../../../protocol/testkit.ts";
import type { Db } from "../db/client.ts";
import { evidenceChain, evidenceVerified } from "../db/schema/evidence.ts";
import { exportSiteChain } from "../evidence/export.ts";
import { drainOutbox } from "../evidence/outbox.ts";
import { siteKeyRows } from "../evidence/site-keys.ts";
import { sealVerified, type VerifiedRecord } from "../evidence/verified-records.ts";
import { evidenceObjectBytes, evidenceObjectText } from "../store/object-store.ts";
import { uploadAs } from "../web/testing/seed.ts";
import { torsionSignature } from "./ed25519-edge-cases.ts";
import type { TestAppliance, TestCloud } from "./test-cloud.ts";

/**
 * `n` bundles continuing `from` (seq 0: genesis), signed with the appliance's key; `tweak` may
 * replace a signed bundle before the next one links to it (so later links commit to the change).
 */
export function extendChain(
  app: Pick<TestAppliance, "siteId" | "applianceId" | "key">,
  from: ChainHead,
  n: number,
  tweak: (b: EvidenceBundle) => EvidenceBundle = (b) => b,
): EvidenceBundle[] {
  const out: EvidenceBundle[] = [];
  let head = from;
  for (let i = 0; i < n; i++) {
    const at = new Date(Date.UTC(2026, 10, 26, 8, head.seq)).toISOString();
    const b = tweak(
      buildBundle(
        app,
        head,
        { kind: "check-cycle", findings: [sampleFinding({ observedAt: at })], createdAt: at },
        app.key.secretKey,
      ),
    );
    out.push(b);
    head = { seq: b.seq, hash: bundleHash(b) };
  }
  return out;
}

/**
 * The bundle with its signature replaced by one whose R carries a point of order 2: made with the
 * appliance's own key, valid under the cofactored Ed25519 equation, refused by node:crypto.
 */
export function withTorsionSignature(b: EvidenceBundle, secretKey: string): EvidenceBundle {
  return { ...b, sig: torsionSignature(bundleSigningBytes(b), secretKey) };
}

/**
 * Write a stored row straight into the chain table (what someone with the database's insert right
 * could do, bypassing ingest): `body` exactly as given, its position from the body unless `at` says,
 * received now unless `receivedAt` says (a month past the retention, say).
 */
export async function insertStoredRow(
  db: Db,
  siteId: string,
  body: string | EvidenceBundle,
  at?: { applianceId: string; seq: number },
  receivedAt = new Date(),
): Promise<void> {
  const text = typeof body === "string" ? body : canonicalize(body);
  const b = typeof body === "string" ? null : body;
  const where = at ?? { applianceId: b!.applianceId, seq: b!.seq };
  await db.insert(evidenceChain).values({
    ...where,
    siteId,
    // The audit hashes the text itself; a retention floor takes the last dropped row's hash.
    hash: b ? bundleHash(b) : "not-checked-by-the-audit",
    prevHash: b?.prevHash ?? "",
    keyId: b?.keyId ?? "",
    kind: b?.kind ?? "event",
    createdAt: new Date(b?.createdAt ?? 0),
    receivedAt,
    objectKey: `straight-in/${where.applianceId}-${where.seq}`,
    body: text,
  });
}

/**
 * Rewrite the stored object of bundle `seq` (written out of the outbox first) with `edit` applied
 * to its text: what someone holding the directory store's files could do (they are read-only, not
 * locked). Returns the altered text.
 */
export async function alterStoredObject(
  c: TestCloud,
  applianceId: string,
  seq: number,
  edit: (text: string) => string,
): Promise<string> {
  // Pass after pass: the suite's earlier uploads may fill more than one.
  for (;;) {
    const r = await drainOutbox(c.deps);
    if (r.written + r.alreadyPresent + r.failed === 0) break;
  }
  const [row] = await c.deps.db
    .select({ key: evidenceChain.objectKey })
    .from(evidenceChain)
    .where(and(eq(evidenceChain.applianceId, applianceId), eq(evidenceChain.seq, seq)));
  const path = join(c.dataDir, "objects", row!.key);
  const text = evidenceObjectText(row!.key, readFileSync(path));
  const altered = edit(text);
  chmodSync(path, 0o644);
  writeFileSync(path, evidenceObjectBytes(row!.key, altered));
  return altered;
}

/**
 * What `malachor evidence verify` decides for the site's export with the site's keys: the same
 * protocol function the CLI runs, over the export the cloud serves (the CLI binary itself is run
 * against it in test/integration/one-verdict.test.ts).
 */
export async function exportVerdict(c: TestCloud, siteId: string) {
  const stream = exportSiteChain({ ctx: c.systemCtx(), input: { siteId } });
  const parsed = parseJsonl(await new Response(stream).text());
  if (!parsed.ok) throw new Error(`export is not JSONL: ${parsed.message}`);
  const keys = (await siteKeyRows(c.deps.db, siteId)).map((k) => k.publicKey);
  return verifyChainExport(parsed.items, keys);
}

/** The hash link a chain of bundles ends at. */
export function headOf(bs: EvidenceBundle[]): ChainHead {
  const last = bs[bs.length - 1]!;
  return { seq: last.seq, hash: bundleHash(last) };
}

/** A bundle whose text is not canonical, signed over exactly that text by the appliance's own key. */
export function nonCanonicalSigned(a: TestAppliance, from: ChainHead): string {
  const { sig: _sig, ...unsigned } = extendChain(a, from, 1)[0]!;
  const text = canonicalize(unsigned as UnsignedBundle).replace('{"applianceId":', '{ "applianceId":');
  const sig = sign(new TextEncoder().encode(text), a.key.secretKey);
  return `${text.slice(0, -1)},"sig":"${sig}"}`;
}

/** A new site whose one appliance's first `stored` bundles came through ingest. */
export async function siteWithIngested(c: TestCloud, siteId: string, stored: number) {
  await c.createSite(siteId);
  const a = await c.createAppliance(siteId, `${siteId}-app`);
  const first = a.nextBundles(stored);
  await uploadAs(c, a, first);
  return { a, first, head: headOf(first) };
}

/**
 * #4–#6 written straight into the database with a small-order-R signature at #5, and a record
 * claiming ingest verified #1–#6 that `seal` makes from the true range.
 */
async function tamperedWithRecord(
  c: TestCloud,
  siteId: string,
  seal: (range: Omit<VerifiedRecord, "keyId" | "sig">) => VerifiedRecord,
): Promise<void> {
  const { a, head } = await siteWithIngested(c, siteId, 3);
  const more = extendChain(a, head, 3, (b) => (b.seq === 5 ? withTorsionSignature(b, a.key.secretKey) : b));
  for (const b of more) await insertStoredRow(c.deps.db, siteId, b);
  const range = {
    siteId,
    applianceId: a.applianceId,
    fromSeq: 1,
    throughSeq: 6,
    throughHash: headOf(more).hash,
  };
  await c.deps.db.insert(evidenceVerified).values(seal({ ...range, verifiedAt: new Date() }));
}

/**
 * Stored chains damaged by writing straight into the database (what ingest would refuse), each
 * built on a new site: the cases on which the cloud's audit and `malachor evidence verify` must
 * agree.
 */
export const STORED_DAMAGE: [string, (c: TestCloud, siteId: string) => Promise<void>][] = [
  [
    "a small-order-R signature mid-chain",
    async (c, siteId) => {
      const { a, head } = await siteWithIngested(c, siteId, 3);
      const more = extendChain(a, head, 5, (b) =>
        b.seq === 6 ? withTorsionSignature(b, a.key.secretKey) : b,
      );
      for (const b of more) await insertStoredRow(c.deps.db, siteId, b);
    },
  ],
  [
    "a small-order-R signature on the head",
    async (c, siteId) => {
      const { a, head } = await siteWithIngested(c, siteId, 3);
      const [b4] = extendChain(a, head, 1);
      await insertStoredRow(c.deps.db, siteId, withTorsionSignature(b4!, a.key.secretKey));
    },
  ],
  [
    "a stored bundle repeated later",
    async (c, siteId) => {
      const { a, first } = await siteWithIngested(c, siteId, 6);
      await insertStoredRow(c.deps.db, siteId, first[1]!, { applianceId: a.applianceId, seq: 7 });
    },
  ],
  [
    "an earlier sequence number with other content",
    async (c, siteId) => {
      const { a, first } = await siteWithIngested(c, siteId, 6);
      const other = buildBundle(
        a,
        headOf(first.slice(0, 1)),
        { kind: "event", createdAt: "2026-11-25T12:00:00.000Z" },
        a.key.secretKey,
      );
      await insertStoredRow(c.deps.db, siteId, other, { applianceId: a.applianceId, seq: 7 });
    },
  ],
  [
    "two bundles in each other's rows",
    async (c, siteId) => {
      const { a, head } = await siteWithIngested(c, siteId, 3);
      const [b4, b5, b6] = extendChain(a, head, 3);
      await insertStoredRow(c.deps.db, siteId, b5!, { applianceId: a.applianceId, seq: 4 });
      await insertStoredRow(c.deps.db, siteId, b4!, { applianceId: a.applianceId, seq: 5 });
      await insertStoredRow(c.deps.db, siteId, b6!);
    },
  ],
  [
    "a missing bundle",
    async (c, siteId) => {
      const { a, head } = await siteWithIngested(c, siteId, 3);
      const [b4, , b6] = extendChain(a, head, 3);
      await insertStoredRow(c.deps.db, siteId, b4!);
      await insertStoredRow(c.deps.db, siteId, b6!);
    },
  ],
  [
    "a text that is not canonical, signed over those very bytes by the appliance's key",
    async (c, siteId) => {
      const { a, head } = await siteWithIngested(c, siteId, 3);
      await insertStoredRow(c.deps.db, siteId, nonCanonicalSigned(a, head), {
        applianceId: a.applianceId,
        seq: 4,
      });
    },
  ],
  [
    "a record forged without the cloud's key, claiming a tampered range",
    (c, siteId) =>
      tamperedWithRecord(c, siteId, (range) =>
        sealVerified({ ...c.deps.keys, secretKey: "11".repeat(32) }, range),
      ),
  ],
  [
    "a cloud-signed record naming a hash the chain does not reach",
    (c, siteId) =>
      tamperedWithRecord(c, siteId, (range) =>
        sealVerified(c.deps.keys, { ...range, throughHash: "ab".repeat(32) }),
      ),
  ],
  [
    "a stored body changed behind the append-only trigger",
    async (c, siteId) => {
      const { a } = await siteWithIngested(c, siteId, 6);
      const b = a.nextBundles(1);
      await insertStoredRow(c.deps.db, siteId, b[0]!);
      // Only the owner's rights can do this; the service's own role may not (db/roles.test.ts).
      await c.withOwnerDb(async (owner) => {
        await owner.execute(sql`ALTER TABLE evidence_chain DISABLE TRIGGER evidence_chain_append_only`);
        await owner.execute(
          sql`UPDATE evidence_chain SET body = replace(body, '"kind":"check-cycle"', '"kind":"event"')
              WHERE appliance_id = ${a.applianceId} AND seq = 7`,
        );
        await owner.execute(sql`ALTER TABLE evidence_chain ENABLE TRIGGER evidence_chain_append_only`);
      });
    },
  ],
  [
    "an evidence object changed in the store",
    async (c, siteId) => {
      const { a } = await siteWithIngested(c, siteId, 6);
      await alterStoredObject(c, a.applianceId, 3, (t) =>
        t.replace('"kind":"check-cycle"', '"kind":"event"'),
      );
    },
  ],
];
