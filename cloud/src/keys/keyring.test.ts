import { expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { openNote } from "../../../protocol/checkpoint.ts";
import { CloudKeyList, verifyRotation } from "../../../protocol/key-rotation.ts";
import { verifyEnvelope } from "../../../protocol/signed.ts";
import { SyncResponse } from "../../../protocol/sync.ts";
import { sampleCheckin } from "../../../protocol/testkit.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { freshCloudKeys, loadOrCreateCloudKeys } from "./cloud-keys.ts";
import {
  cloudKeyHistory,
  finishRotation,
  registerCloudKey,
  rotateCloudKeyFile,
  rotateKeys,
} from "./keyring.ts";

const HOUR = 3_600_000;

describeEachDb("cloud key rotation", (cloud) => {
  test("rotate with overlap: both keys listed with their windows, the rotation signed by the old key, old checkpoints keep their signer", async () => {
    const c = cloud();
    await c.createSite("site-kr");
    const a = await c.createAppliance("site-kr");
    await c.call("POST", AGENT_API.evidence, { bearer: a.apiKey, body: { bundles: a.nextBundles(3) } });
    const admin = await c.adminToken("msp-admin");
    const before = await c.call("POST", "/api/sites/site-kr/tlog/checkpoints", { bearer: admin, body: {} });
    expect(before.status).toBe(201);
    const oldCheckpoint = (await before.json()) as { note: string; verifierKey: string };

    const old = { ...c.deps.keys };
    const now = c.clock.now();
    const { next, rotation } = await rotateKeys(c.deps.db, old, now, 24 * HOUR);
    // What a restart with the rotated key file does (the app's routes share this keys object).
    Object.assign(c.deps.keys, next);
    expect(verifyRotation(rotation, old.publicKey)).toEqual({ ok: true });
    // A rotation is not something any other key can forge.
    expect(verifyRotation(rotation, freshCloudKeys().publicKey).ok).toBe(false);

    const listed = v.parse(CloudKeyList, await (await c.call("GET", "/api/keys/cloud")).json());
    expect(listed.keyId).toBe(next.keyId);
    expect(listed.keys.map((k) => [k.keyId, k.validUntil])).toEqual([
      [old.keyId, new Date(now.getTime() + 24 * HOUR).toISOString()],
      [next.keyId, null],
    ]);
    expect(listed.keys[1]!.validFrom).toBe(now.toISOString());
    expect(listed.keys[1]!.rotation).toEqual(rotation);

    // Appliances learn of it: check-in names the key, sync carries the chain of rotations.
    const checkin = await c.call("POST", AGENT_API.checkin, { bearer: a.apiKey, body: sampleCheckin() });
    expect(checkin.status).toBe(200);
    expect(((await checkin.json()) as { cloudKeyId: string }).cloudKeyId).toBe(next.keyId);
    const sync = v.parse(
      SyncResponse,
      await (await c.call("GET", AGENT_API.sync, { bearer: a.apiKey })).json(),
    );
    expect(sync.cloudKeys).toEqual([rotation]);
    expect(verifyEnvelope(sync.config, next.publicKey)).toEqual({ ok: true });

    // The checkpoint signed before the rotation is still shown with the key that signed it.
    const latest = (await (
      await c.call("GET", "/api/sites/site-kr/tlog/checkpoint?format=json", { bearer: admin })
    ).json()) as { note: string; verifierKey: string };
    expect(latest).toMatchObject(oldCheckpoint);
    const after = (await (
      await c.call("POST", "/api/sites/site-kr/tlog/checkpoints", { bearer: admin, body: {} })
    ).json()) as { note: string; verifierKey: string };
    expect(after.verifierKey).not.toBe(oldCheckpoint.verifierKey);
    const origin = after.note.split("\n")[0]!;
    expect(openNote(after.note, [{ name: origin, publicKey: next.publicKey }]).signedBy.publicKey).toBe(
      next.publicKey,
    );

    // An instance still holding the retired key, or a key the database never listed, does not start.
    await expect(registerCloudKey(c.deps.db, old, now)).rejects.toThrow(/retired by the rotation/);
    await expect(registerCloudKey(c.deps.db, freshCloudKeys(), now)).rejects.toThrow(/does not list/);
    await registerCloudKey(c.deps.db, next, now);

    // The key history is append-only, even for the service role.
    await expect(
      (async () => {
        await c.deps.db.execute(sql`DELETE FROM cloud_keys`);
      })(),
    ).rejects.toThrow(/Failed query: DELETE FROM cloud_keys/);
    expect((await cloudKeyHistory(c.deps.db)).map((k) => k.keyId)).toEqual([old.keyId, next.keyId]);
  });

  test("keys rotate on a key file: the new key moves over the old; an interrupted run is finished at start", async () => {
    const c = cloud();
    const file = join(c.dataDir, "cloud-key");
    writeFileSync(file, `${c.deps.keys.secretKey}\n`, { mode: 0o600 });
    const r = await rotateCloudKeyFile(c.deps.db, file, c.clock.now(), HOUR);
    expect(r.previous.keyId).toBe(c.deps.keys.keyId);
    expect(loadOrCreateCloudKeys(file).keyId).toBe(r.next.keyId);
    expect(existsSync(`${file}.new`)).toBe(false);
    Object.assign(c.deps.keys, r.next);

    // Stopped after the database registered the next key, before the file moved.
    const third = freshCloudKeys();
    writeFileSync(`${file}.new`, `${third.secretKey}\n`, { mode: 0o600 });
    await rotateKeys(c.deps.db, r.next, c.clock.now(), HOUR, third);
    const finished = await finishRotation(c.deps.db, file);
    expect(finished?.next.keyId).toBe(third.keyId);
    expect(readFileSync(file, "utf8").trim()).toBe(third.secretKey);
    Object.assign(c.deps.keys, third);
    const history = await cloudKeyHistory(c.deps.db);
    expect(history.at(-1)!.keyId).toBe(third.keyId);
    expect(history.filter((k) => k.validUntil === null)).toHaveLength(1);
  });
});
