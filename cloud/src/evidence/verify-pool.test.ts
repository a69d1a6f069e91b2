import { afterAll, expect, test } from "bun:test";
import { canonicalize } from "../../../protocol/canonical.ts";
import { signingTextFromCanonical } from "../../../protocol/evidence.ts";
import { generateKeyPair, sign, verify } from "../../../protocol/sign.ts";
import { sampleChain } from "../../../protocol/testkit.ts";
import { torsionSignature } from "../testing/ed25519-edge-cases.ts";
import { packTexts, unpackTexts } from "./packed-texts.ts";
import { type SignatureCheck, verifyPool } from "./verify-pool.ts";

const pool = verifyPool(2);
afterAll(() => pool.close());

test("texts cross to a worker joined by newlines, or as they are when one holds a newline", () => {
  for (const texts of [[], ["a"], ["{}", "", "§ü"], ["one\nline", "two"]]) {
    expect(unpackTexts(packTexts(texts))).toEqual(texts);
  }
  expect("joined" in packTexts(["a", "b"])).toBe(true);
  expect("joined" in packTexts(["a\nb"])).toBe(false);
});

test("verifySignatures gives node:crypto's verdict for each check, spread over the workers", async () => {
  const { key, bundles } = sampleChain(150);
  const other = generateKeyPair();
  const checks: SignatureCheck[] = bundles.map((b) => {
    const text = signingTextFromCanonical(canonicalize(b), b.sig);
    return { text, sig: b.sig, publicKey: key.publicKey };
  });
  const enc = (t: string) => new TextEncoder().encode(t);
  checks[3] = { ...checks[3]!, publicKey: other.publicKey }; // another signer's key
  checks[40] = { ...checks[40]!, sig: torsionSignature(enc(checks[40]!.text), key.secretKey) }; // small-order R
  checks[77] = { ...checks[77]!, sig: "zz".repeat(64) }; // not hex
  checks[78] = { ...checks[78]!, publicKey: "short" }; // not a key
  checks[99] = { ...checks[99]!, text: `${checks[99]!.text} ` }; // not what was signed
  checks[120] = { text: "ü ok", sig: sign(enc("ü ok"), other.secretKey), publicKey: other.publicKey };
  const expected = checks.map((c) => verify(enc(c.text), c.sig, c.publicKey));
  expect(expected.filter((x) => !x).length).toBe(5);
  expect(await pool.verifySignatures(checks)).toEqual(expected);
  expect(await pool.verifySignatures([])).toEqual([]);
});
