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
