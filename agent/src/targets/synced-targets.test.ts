import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalBytes } from "../../../protocol/canonical.ts";
import { sealSecret } from "../../../protocol/seal.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { signPayload } from "../../../protocol/signed.ts";
import type { TargetSet } from "../../../protocol/targets.ts";
import { openStateDb } from "../queue/db.ts";
import { loadSealKey, type SealKey, sealKeyPath } from "./seal-key.ts";
import { SyncedTargets } from "./synced-targets.ts";

let dir: string;
let key: SealKey;
const cloud = generateKeyPair();
const self = { siteId: "site-a", applianceId: "app-1" };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "malachor-targets-"));
  key = loadSealKey(dir, { create: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function set(version: number, password: string, over: Partial<TargetSet> = {}): Promise<TargetSet> {
  const credential = await sealSecret(canonicalBytes({ kind: "password", password }), key.publicKey, {
    ...self,
    targetId: "tgt_1",
    version: 1,
  });
  return {
    ...self,
    version,
    targets: [
      {
        id: "tgt_1",
        spec: { kind: "windows", host: "fs01", transport: "http-ntlm", username: "svc", domain: "CLINIC" },
        credentialVersion: 1,
        credential,
      },
    ],
    ...over,
  };
}

test("the sealing key file is 0600 and stable across loads", () => {
  expect(statSync(sealKeyPath(dir)).mode & 0o777).toBe(0o600);
  expect(loadSealKey(dir).publicKey).toBe(key.publicKey);
});

test("a signed set is stored sealed and opened in memory into host settings", async () => {
  const db = openStateDb(join(dir, "state.db"));
  const t = new SyncedTargets(db, key, self);
  expect(t.version).toBe(0);
  expect(t.accept(signPayload(await set(3, "pw-1"), cloud.secretKey), cloud.publicKey)).toBeNull();
  expect(t.version).toBe(3);
  const raw = db
    .query<{ value: string }, []>("SELECT value FROM meta WHERE name = 'targets.synced'")
    .get()!.value;
  expect(raw).not.toContain("pw-1");
  const opened = await t.open();
  expect(opened.problems).toEqual([]);
  const [h] = opened.windows;
  expect(h).toMatchObject({
    host: "fs01",
    port: 5985,
    transport: "http-ntlm",
    username: "svc",
    domain: "CLINIC",
  });
  expect("password" in h! && h.password()).toBe("pw-1");
  db.close();
});

test("refused: unsigned by the cloud's key, another appliance's set; the previous set stays", async () => {
  const db = openStateDb(join(dir, "state.db"));
  const t = new SyncedTargets(db, key, self);
  t.accept(signPayload(await set(1, "pw-1"), cloud.secretKey), cloud.publicKey);
  const forged = signPayload(await set(2, "pw-2"), generateKeyPair().secretKey);
  expect(t.accept(forged, cloud.publicKey)).toMatch(/key|signature/);
  const other = signPayload(await set(2, "pw-2", { applianceId: "app-2" }), cloud.secretKey);
  expect(t.accept(other, cloud.publicKey)).toContain("not this appliance");
  expect(t.accept(signPayload(await set(2, "pw-2"), cloud.secretKey), undefined)).toContain("public_key");
  expect(t.version).toBe(1);
  db.close();
});

test("a credential sealed to another key is a named problem, not a crash", async () => {
  const db = openStateDb(join(dir, "state.db"));
  const s = await set(1, "pw-1");
  const otherDir = mkdtempSync(join(tmpdir(), "malachor-targets-"));
  const t = new SyncedTargets(db, loadSealKey(otherDir, { create: true }), self);
  t.accept(signPayload(s, cloud.secretKey), cloud.publicKey);
  const opened = await t.open();
  expect(opened.windows).toEqual([]);
  expect(opened.problems[0]).toMatchObject({ targetId: "tgt_1", host: "fs01" });
  expect(opened.problems[0]!.reason).toContain("re-enter the credential");
  rmSync(otherDir, { recursive: true, force: true });
  db.close();
});

test("an SSH target opens into an in-memory key (or password) and a pinned host key; stored sealed", async () => {
  const db = openStateDb(join(dir, "state.db"));
  const t = new SyncedTargets(db, key, self);
  const pem =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-canary\n-----END OPENSSH PRIVATE KEY-----\n";
  const binding = (targetId: string) => ({ ...self, targetId, version: 2 });
  const hostKey = `SHA256:${"A".repeat(43)}`;
  const payload: TargetSet = {
    ...self,
    version: 4,
    targets: [
      {
        id: "tgt_k",
        spec: {
          kind: "ssh",
          host: "db01",
          port: 2222,
          username: "malachor",
          os: "linux",
          hostKeyFingerprint: hostKey,
        },
        credentialVersion: 2,
        credential: await sealSecret(
          canonicalBytes({ kind: "ssh-key", privateKey: pem }),
          key.publicKey,
          binding("tgt_k"),
        ),
      },
      {
        id: "tgt_p",
        spec: { kind: "ssh", host: "mac01", port: 22, username: "admin", os: "macos" },
        credentialVersion: 2,
        credential: await sealSecret(
          canonicalBytes({ kind: "password", password: "pw-mac" }),
          key.publicKey,
          binding("tgt_p"),
        ),
      },
    ],
  };
  expect(t.accept(signPayload(payload, cloud.secretKey), cloud.publicKey)).toBeNull();
  const raw = db
    .query<{ value: string }, []>("SELECT value FROM meta WHERE name = 'targets.synced'")
    .get()!.value;
  expect(raw).not.toContain("canary");
  expect(raw).not.toContain("pw-mac");
  const opened = await t.open();
  expect(opened.problems).toEqual([]);
  expect(opened.windows).toEqual([]);
  const [k, p] = opened.ssh;
  expect(k).toMatchObject({ name: "db01", host: "db01", port: 2222, user: "malachor", os: "linux", hostKey });
  expect(k!.auth.kind === "key-in-memory" && k!.auth.privateKey()).toBe(pem);
  // Nothing of the key shows when the target is logged or serialised: it lives in a closure.
  expect(JSON.stringify(k)).not.toContain("canary");
  expect(p).toMatchObject({ name: "mac01", os: "macos" });
  expect(p!.hostKey).toBeUndefined();
  expect(p!.auth.kind === "password-in-memory" && p!.auth.password()).toBe("pw-mac");
  db.close();
});
