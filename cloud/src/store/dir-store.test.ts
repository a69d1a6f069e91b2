import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dirStore } from "./dir-store.ts";
import { evidenceObjectKey, ObjectLockedError } from "./object-store.ts";

const root = mkdtempSync(join(tmpdir(), "malachor-dirstore-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const enc = new TextEncoder();
const until = { retainUntil: new Date(Date.now() + 86_400_000) };

test("object keys are {site}/{YYYY}/{MM}/{appliance}-{seq}.json", () => {
  expect(evidenceObjectKey("site-a", "app-1", 42, new Date("2026-03-09T23:59:59Z"))).toBe(
    "site-a/2026/03/app-1-42.json",
  );
});

test("write once, read-only on disk; identical rewrite is already-present; different bytes and delete refused", async () => {
  const s = dirStore(root);
  const key = "site-a/2026/11/app-1-1.json";
  expect(await s.put(key, enc.encode("{}"), until)).toBe("created");
  expect(statSync(join(root, key)).mode & 0o777).toBe(0o444);
  expect(await s.put(key, enc.encode("{}"), until)).toBe("already-present");
  await expect(s.put(key, enc.encode("[]"), until)).rejects.toBeInstanceOf(ObjectLockedError);
  await expect(s.delete(key)).rejects.toBeInstanceOf(ObjectLockedError);
  expect(new TextDecoder().decode((await s.get(key))!)).toBe("{}");
});

test.each([["../escape.json"], ["/abs/path.json"], ["a/../../b.json"], ["a//b.json"]])(
  "unsafe key %s is refused",
  async (key) => {
    await expect(dirStore(root).put(key, enc.encode("{}"), until)).rejects.toThrow(
      /not a safe relative path/,
    );
  },
);

test("list yields every object key under a prefix, never a write's temporary file", async () => {
  const s = dirStore(join(root, "listing"));
  const retainUntil = new Date(Date.now() + 86_400_000);
  const keys = [1, 2].map((n) => evidenceObjectKey("site-l", "app", n, new Date("2026-11-25T00:00:00Z")));
  for (const k of keys) await s.put(k, new TextEncoder().encode("{}"), { retainUntil });
  await s.put(
    evidenceObjectKey("other", "app", 1, new Date("2026-11-25T00:00:00Z")),
    new TextEncoder().encode("{}"),
    {
      retainUntil,
    },
  );
  const listed: string[] = [];
  for await (const k of s.list("site-l/")) listed.push(k);
  expect(listed.sort()).toEqual(keys.sort());
  const none: string[] = [];
  for await (const k of dirStore(join(root, "absent")).list("")) none.push(k);
  expect(none).toEqual([]);
});
