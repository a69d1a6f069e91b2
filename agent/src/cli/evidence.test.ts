import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { sampleChain } from "../../../protocol/testkit.ts";
import { runMalachor } from "../../../test/support/binary.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { key, bundles } = sampleChain(5);
const lines = bundles.map((b) => JSON.stringify(b));
function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
const verify = (path: string, pubkey = key.publicKey) =>
  runMalachor(["evidence", "verify", path, "--pubkey", pubkey]);

describe("malachor evidence verify (compiled binary)", () => {
  test("--version and --help", () => {
    expect(runMalachor(["--version"]).stdout).toMatch(/^malachor \d+\.\d+\.\d+/);
    const h = runMalachor(["--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("evidence");
  });

  test("an intact chain exits 0", () => {
    const r = verify(file("ok.jsonl", `${lines.join("\n")}\n`));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("OK: 5 bundles verified");
  });

  test("a key file with comments works", () => {
    const keys = file("keys.txt", `# appliance keys\napp-1 ${key.publicKey}\n`);
    expect(verify(file("ok2.jsonl", lines.join("\n")), keys).code).toBe(0);
  });

  const flipByte = () => {
    const l = lines[2]!
      .replace('"status":"fail"', '"status":"pass"')
      .replace('"status":"pass"', '"status":"fail"');
    return [lines[0], lines[1], l, lines[3], lines[4]];
  };
  const tampered: [string, () => (string | undefined)[], RegExp][] = [
    ["a flipped byte", flipByte, /BROKEN \(bad-signature\): bundle app-1#3/],
    [
      "a dropped bundle",
      () => [lines[0], lines[1], lines[3], lines[4]],
      /BROKEN \(sequence-gap\): bundle app-1#4/,
    ],
    [
      "reordered bundles",
      () => [lines[0], lines[2], lines[1], lines[3]],
      /BROKEN \(reordered\): bundle app-1#3/,
    ],
    [
      "a duplicated bundle",
      () => [lines[0], lines[1], lines[1], lines[2]],
      /BROKEN \(duplicated\): bundle app-1#2/,
    ],
  ];
  test.each(tampered)("%s exits 1 naming the bundle", (name, make, msg) => {
    const r = verify(file(`${name}.jsonl`, make().join("\n")));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(msg);
  });

  test("the wrong key exits 1", () => {
    const r = verify(file("wrongkey.jsonl", lines.join("\n")), generateKeyPair().publicKey);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad-signature.*app-1#1.*not a trusted key/);
  });

  const malformed: [string, string | Uint8Array, RegExp][] = [
    ["not JSON", `${lines[0]}\n{"seq": 2,\n`, /line 2 is not valid JSON/],
    ["not UTF-8", new Uint8Array([0xff, 0xfe, 0x00, 0x41]), /not a UTF-8 text file/],
    ["a JSON array", "[1,2,3]\n", /malformed/],
    [
      "a bundle missing fields",
      '{"v":1,"seq":1}\n',
      /bundle at index 0 is malformed|bundle undefined#1|malformed/,
    ],
  ];
  test.each(malformed)("%s gets a clear error, no stack trace", (name, content, msg) => {
    const r = verify(file(`bad-${name}.jsonl`, content));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test.each([
    [["evidence", "verify", "/nonexistent.jsonl", "--pubkey", "ab".repeat(32)], 3, /no such file/],
    [["evidence", "verify", "x.jsonl"], 2, /--pubkey is required/],
    [
      ["evidence", "verify", "x.jsonl", "--pubkey", "nothex"],
      2,
      /neither a 64-hex public key nor a readable file/,
    ],
    [["evidence", "frobnicate"], 2, /unknown evidence subcommand/],
    [["nope"], 2, /unknown command "nope"/],
  ])("usage errors: %p", (args, code, msg) => {
    const r = runMalachor(args as string[]);
    expect(r.code).toBe(code as number);
    expect(r.stderr).toMatch(msg as RegExp);
  });
});
