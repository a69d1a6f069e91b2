import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { requirement } from "../../../test/support/requirement.ts";
import { allAttestations, deserializeDetached, OtsFormatError, serializeDetached } from "./ots.ts";
import { stampWithCalendars, upgradeOts } from "./ots-calendar.ts";
import { startTestCalendar, type TestCalendar } from "./testing/calendar.ts";

// The reference implementation (Debian's python3-opentimestamps) reads each file we write.
const PY = `
import sys, json
from opentimestamps.core.timestamp import DetachedTimestampFile
from opentimestamps.core.serialize import BytesDeserializationContext, BytesSerializationContext
from opentimestamps.core.notary import PendingAttestation, BitcoinBlockHeaderAttestation
raw = sys.stdin.buffer.read()
f = DetachedTimestampFile.deserialize(BytesDeserializationContext(raw))
out = BytesSerializationContext(); f.serialize(out)
atts = []
for msg, a in f.timestamp.all_attestations():
    if isinstance(a, PendingAttestation): atts.append(["pending", a.uri, msg.hex()])
    elif isinstance(a, BitcoinBlockHeaderAttestation): atts.append(["bitcoin", a.height, msg.hex()])
print(json.dumps({"digest": f.file_digest.hex(), "same": out.getbytes() == raw, "atts": sorted(atts, key=str)}))
`;
const havePy = requirement(
  "python3-opentimestamps",
  Bun.spawnSync(["python3", "-c", "import opentimestamps"], { stdout: "ignore", stderr: "ignore" })
    .exitCode === 0,
  "apt-get install python3-opentimestamps",
);

function reference(ots: Uint8Array): {
  digest: string;
  same: boolean;
  atts: [string, string | number, string][];
} {
  const r = Bun.spawnSync(["python3", "-c", PY], { stdin: ots, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`python3-opentimestamps refused the file: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString());
}

const note =
  "cloud.example/tlog/site-a\n7\nq0GSAxyjwzCmp+cBn/q3r1gRdbWW6FnzmhBlMz9MdGA=\n\n— cloud.example/tlog/site-a AAAA\n";
const digest = createHash("sha256").update(note).digest("hex");

describe("OpenTimestamps against loopback calendars", () => {
  let a: TestCalendar;
  let b: TestCalendar;
  beforeAll(() => {
    a = startTestCalendar();
    b = startTestCalendar();
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  test("stamp: a detached .ots over the note's SHA-256 with one pending attestation per calendar", async () => {
    const { ots, failures } = await stampWithCalendars(note, [a.url, b.url]);
    expect(failures).toEqual([]);
    const t = deserializeDetached(ots);
    expect(Buffer.from(t.msg).toString("hex")).toBe(digest);
    expect(serializeDetached(t).equals(ots)).toBe(true);
    const pend = allAttestations(t).map((x) => x.attestation);
    expect(pend.map((x) => (x.kind === "pending" ? x.uri : x.kind)).sort()).toEqual([a.url, b.url].sort());
    if (havePy) {
      const ref = reference(ots);
      expect(ref.digest).toBe(digest);
      expect(ref.same).toBe(true);
      expect(ref.atts.map((x) => x[1]).sort()).toEqual([a.url, b.url].sort());
      // each pending attestation commits to what that calendar received
      for (const [, uri, msg] of ref.atts) {
        expect((uri === a.url ? a : b).commitments).toContain(msg);
      }
    }
  });

  test("upgrade: nothing while pending, then a Bitcoin attestation over the calendar's block root", async () => {
    const { ots } = await stampWithCalendars(note, [a.url]);
    const before = await upgradeOts(ots, [a.url]);
    expect(before).toMatchObject({ changed: false, complete: false, failures: [] });
    expect(before.ots.equals(ots)).toBe(true);
    const roots = a.mine(850_000);
    const after = await upgradeOts(ots, [a.url]);
    expect(after).toMatchObject({ changed: true, complete: true, failures: [] });
    const atts = allAttestations(deserializeDetached(after.ots));
    expect(atts.map((x) => x.attestation)).toEqual([{ kind: "bitcoin", height: 850_000 }]);
    expect([...roots.values()]).toContain(Buffer.from(atts[0]!.msg).toString("hex"));
    if (havePy) {
      const ref = reference(after.ots);
      expect(ref.same).toBe(true);
      expect(ref.atts).toEqual([["bitcoin", 850_000, Buffer.from(atts[0]!.msg).toString("hex")]]);
    }
    // a calendar not configured is never asked, whatever the file names
    const { ots: other } = await stampWithCalendars(note, [b.url]);
    b.mine(850_001);
    expect((await upgradeOts(other, [a.url])).changed).toBe(false);
  });

  test("a failing calendar is named; all failing is an error", async () => {
    b.failing = true;
    try {
      const { failures } = await stampWithCalendars(note, [a.url, b.url]);
      expect(failures).toEqual([{ calendar: b.url, message: `calendar ${b.url}: HTTP 503` }]);
      await expect(stampWithCalendars(note, [b.url])).rejects.toThrow("no calendar took the commitment");
    } finally {
      b.failing = false;
    }
  });

  test("malformed files are refused", async () => {
    const { ots } = await stampWithCalendars(note, [a.url]);
    expect(() => deserializeDetached(ots.subarray(0, ots.length - 3))).toThrow(OtsFormatError);
    expect(() => deserializeDetached(Buffer.concat([ots, Buffer.from([0])]))).toThrow("trailing bytes");
    const bad = Buffer.from(ots);
    bad[1] = 0x41;
    expect(() => deserializeDetached(bad)).toThrow("not an OpenTimestamps proof");
  });
});
