import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EscrowConfigError, loadEscrowKek } from "./kek.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-kek-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string, mode: number) => {
  const p = join(dir, name);
  writeFileSync(p, text, { mode });
  return p;
};
const HEX = "ab".repeat(32);

test.each([
  { name: "ESCROW_KEK", env: () => ({ ESCROW_KEK: HEX }) },
  {
    name: "ESCROW_KEK_FILE, wins over ESCROW_KEK",
    env: () => ({ ESCROW_KEK_FILE: file("ok", `${HEX}\n`, 0o600), ESCROW_KEK: "cd".repeat(32) }),
  },
])("loads from $name", ({ env }) => {
  const kek = loadEscrowKek(env());
  expect(kek.key.toString("hex")).toBe(HEX);
  expect(kek.id).toMatch(/^[0-9a-f]{16}$/);
});

test.each([
  { name: "nothing set", env: () => ({}), error: "key escrow is not configured: set ESCROW_KEK_FILE" },
  { name: "short hex", env: () => ({ ESCROW_KEK: "abcd" }), error: "ESCROW_KEK: expected 64 hex characters" },
  {
    name: "readable file",
    env: () => ({ ESCROW_KEK_FILE: file("open", HEX, 0o644) }),
    error: "mode 644 lets other users read it",
  },
  { name: "missing file", env: () => ({ ESCROW_KEK_FILE: join(dir, "none") }), error: "ENOENT" },
  {
    name: "file without a key",
    env: () => ({ ESCROW_KEK_FILE: file("junk", "hello", 0o600) }),
    error: "expected 64 hex characters",
  },
])("refuses $name", ({ env, error }) => {
  const e = env();
  expect(() => loadEscrowKek(e)).toThrow(EscrowConfigError);
  expect(() => loadEscrowKek(e)).toThrow(error);
});
