import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { EnvelopeError, open, seal } from "./envelope.ts";
import { loadEscrowKek } from "./kek.ts";

const kek = loadEscrowKek({ ESCROW_KEK: "11".repeat(32) });
const other = loadEscrowKek({ ESCROW_KEK: "22".repeat(32) });
const SECRET = "123456-234567-345678-456789-567890-678901-789012-890123";

test("round trip, with a fresh data key and IVs per record", () => {
  const a = seal(kek, SECRET, "rec-1");
  const b = seal(kek, SECRET, "rec-1");
  expect(open(kek, a, "rec-1")).toBe(SECRET);
  expect(a.kekId).toBe(kek.id);
  expect(a.wrappedKey).not.toBe(b.wrappedKey);
  expect(a.ciphertext).not.toBe(b.ciphertext);
  expect(Buffer.from(a.ciphertext, "base64").toString("latin1")).not.toContain("123456");
});

const flip = (b64: string, at: number) => {
  const raw = Buffer.from(b64, "base64");
  raw[at] = raw[at]! ^ 1;
  return raw.toString("base64");
};

test.each([
  {
    name: "another KEK",
    open: () => open(other, seal(kek, SECRET, "r"), "r"),
    error: `configured KEK is ${other.id}`,
  },
  {
    name: "a KEK claiming the same id",
    open: () => {
      const s = seal(kek, SECRET, "r");
      return open({ id: kek.id, key: randomBytes(32) }, s, "r");
    },
    error: "wrapped data key does not authenticate",
  },
  {
    name: "an altered ciphertext",
    open: () => {
      const s = seal(kek, SECRET, "r");
      return open(kek, { ...s, ciphertext: flip(s.ciphertext, 14) }, "r");
    },
    error: "ciphertext does not authenticate",
  },
  {
    name: "an altered wrapped key",
    open: () => {
      const s = seal(kek, SECRET, "r");
      return open(kek, { ...s, wrappedKey: flip(s.wrappedKey, 20) }, "r");
    },
    error: "wrapped data key does not authenticate",
  },
  {
    name: "a record moved to another identity",
    open: () => open(kek, seal(kek, SECRET, "r"), "s"),
    error: "does not authenticate",
  },
  {
    name: "a ciphertext swapped between records",
    open: () => {
      const a = seal(kek, SECRET, "a");
      const b = seal(kek, "other-secret", "b");
      return open(kek, { ...a, ciphertext: b.ciphertext }, "a");
    },
    error: "ciphertext does not authenticate",
  },
  {
    name: "a truncated value",
    open: () => open(kek, { ...seal(kek, SECRET, "r"), ciphertext: "AAAA" }, "r"),
    error: "truncated",
  },
])("refuses $name", ({ open: attempt, error }) => {
  expect(attempt).toThrow(EnvelopeError);
  expect(attempt).toThrow(error);
});
