import { describe, expect, test } from "bun:test";
import { verifyChainExport } from "./chain-export.ts";
import { signChainHead } from "./chain-heads.ts";
import { bundleHash } from "./evidence.ts";
import { RETENTION_FLOOR_TYPE, type RetentionFloor, verifiedFrom } from "./retention-floor.ts";
import { sampleChain } from "./testkit.ts";

const ids = { siteId: "site-a", applianceId: "app-1" };
const droppedAt = "2026-12-01T03:00:00.000Z";
const note = "bundles #1–#5 dropped past the retention on 2026-12-01";

describe("a chain export with retention floors", () => {
  const { key, bundles } = sampleChain(10, ids);
  const keys = [key.publicKey];
  const floorAt = (seq: number, prevHash = bundleHash(bundles[seq - 2]!)): RetentionFloor => ({
    type: RETENTION_FLOOR_TYPE,
    ...ids,
    seq,
    prevHash,
    month: "2026-10",
    droppedAt,
  });
  const headAt = (seq: number, hash = bundleHash(bundles[seq - 1]!)) =>
    signChainHead({ ...ids, seq, hash, at: "2026-11-25T11:00:00.000Z" }, key.secretKey);
  const retained = bundles.slice(5);

  test("each floored appliance is verified from its floor, and the verdict says so", () => {
    const r = verifyChainExport([floorAt(6), ...retained, headAt(10)], keys);
    expect(r).toMatchObject({
      ok: true,
      count: 5,
      heads: { "app-1": { seq: 10, hash: bundleHash(bundles[9]!) } },
      floors: [floorAt(6)],
      complete: [{ applianceId: "app-1", seq: 10 }],
    });
    expect(verifiedFrom(floorAt(6))).toBe(`verified from #6 (${note})`);
    expect(verifiedFrom(floorAt(2))).toBe(
      "verified from #2 (bundle #1 dropped past the retention on 2026-12-01)",
    );
    // Without floors nothing changes: the same suffix is a gap from genesis.
    expect(verifyChainExport(retained, keys)).toMatchObject({ ok: false, kind: "sequence-gap", seq: 6 });
    expect(verifyChainExport(bundles, keys)).toEqual({
      ok: true,
      count: 10,
      heads: { "app-1": { seq: 10, hash: bundleHash(bundles[9]!) } },
      complete: [],
    });
  });

  test.each([
    [
      "a floor naming another hash",
      [floorAt(6, "0".repeat(64)), ...retained],
      "broken-link",
      6,
      `bundle app-1#6 (index 0) does not link to the bundle before it (prevHash mismatch) (the chain starts at #6: ${note})`,
    ],
    [
      "bundles missing just above the floor",
      [floorAt(6), ...bundles.slice(7)],
      "sequence-gap",
      8,
      `bundle app-1#8 (index 0) follows #5: bundles 6–7 are missing (the chain starts at #6: ${note})`,
    ],
    [
      "bundles below the floor",
      [floorAt(6), ...bundles],
      "reordered",
      1,
      `bundle app-1#1 (index 0) is out of order: expected sequence 6 (the chain starts at #6: ${note})`,
    ],
  ] as const)("%s is a named break", (_name, items, kind, seq, message) => {
    expect(verifyChainExport(items, keys)).toEqual({
      ok: false,
      index: 0,
      kind,
      applianceId: "app-1",
      seq,
      message,
    });
  });

  test("a break further on says nothing of the floor", () => {
    const r = verifyChainExport([floorAt(6), ...retained.slice(0, 2), ...retained.slice(3)], keys);
    expect(r).toMatchObject({
      kind: "sequence-gap",
      message: "bundle app-1#9 (index 2) follows #7: bundles 8–8 are missing",
    });
  });

  test("a malformed or repeated floor is refused before any bundle", () => {
    const { droppedAt: _d, ...noDate } = floorAt(6);
    expect(verifyChainExport([noDate, ...retained], keys)).toMatchObject({
      ok: false,
      index: 0,
      kind: "bad-floor",
      message: expect.stringMatching(/^retention floor 1: .*droppedAt/),
    });
    expect(verifyChainExport([{ ...floorAt(6), seq: 1 }, ...retained], keys)).toMatchObject({
      kind: "bad-floor",
    });
    expect(verifyChainExport([floorAt(6), floorAt(7), ...retained], keys)).toEqual({
      ok: false,
      index: 0,
      kind: "bad-floor",
      message: "retention floor 2: a second floor for app-1",
    });
  });

  test("a signed head at the last dropped bundle is checked against the floor; one below it proves nothing", () => {
    expect(verifyChainExport([floorAt(6), ...retained, headAt(5)], keys)).toMatchObject({
      ok: true,
      complete: [{ applianceId: "app-1", seq: 5 }],
    });
    expect(verifyChainExport([floorAt(6), ...retained, headAt(5, "1".repeat(64))], keys)).toMatchObject({
      ok: false,
      index: 5,
      kind: "fork",
      message: expect.stringContaining("the retention floor says the dropped bundle #5 hashed to"),
    });
    expect(verifyChainExport([floorAt(6), ...retained, headAt(3)], keys)).toMatchObject({
      ok: true,
      complete: [],
    });
  });
});
