import { expect, test } from "bun:test";
import { parseJsonStrict, StrictJsonError } from "./strict-json.ts";

const enc = new TextEncoder();

test.each([
  ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
  ["a byte-order mark", enc.encode('\uFEFF{"a":1}'), /byte-order mark/],
  ["bad JSON", enc.encode("{"), /not valid JSON/],
  [
    "a lone high surrogate in a value",
    enc.encode('{"a":["ok","\\ud800"]}'),
    /lone surrogate in a string at \$\.a\[1\]/,
  ],
  ["a lone low surrogate in a key", enc.encode('{"\\udc00":1}'), /lone surrogate in a key/],
])("refuses %s", (_name, bytes, message) => {
  expect(() => parseJsonStrict(bytes)).toThrow(StrictJsonError);
  expect(() => parseJsonStrict(bytes)).toThrow(message);
});

test.each([
  ['{"a":"\\ud83d\\udca9"}', { a: "💩" }],
  ['{"a":"\\\\ud800"}', { a: "\\ud800" }],
  ['["é", 1, null]', ["é", 1, null]],
])("accepts %s", (text, value) => {
  expect(parseJsonStrict(enc.encode(text))).toEqual(value);
});

test.each([
  ["a duplicate key", '{"a":1,"b":2,"a":3}', /key "a" twice in one object at \$/],
  [
    "a duplicate key spelled with an escape",
    '{"x":{"a":1,"\\u0061":2}}',
    /key "a" twice in one object at \$\.x/,
  ],
  ["a duplicate empty key", '[{"":1,"":2}]', /key "" twice/],
  ["nesting past the bound", `{"a":${"[".repeat(65)}${"]".repeat(65)}}`, /nests deeper than 64 levels/],
  [
    "100,000 levels in a free-form field",
    `{"details":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    /nests deeper/,
  ],
])("refuses %s", (_name, text, message) => {
  expect(() => parseJsonStrict(enc.encode(text))).toThrow(message);
});

test.each([
  ['{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}', { a: { a: { a: 1 } }, b: [{ a: 1 }, { a: 2 }] }],
  ['{"q\\"":"\\\\","q":"x\\\\\\"y"}', { 'q"': "\\", q: 'x\\"y' }],
  [`${"[".repeat(64)}${"]".repeat(64)}`, JSON.parse(`${"[".repeat(64)}${"]".repeat(64)}`)],
  ['{"a":"{[","b":"]}]}"}', { a: "{[", b: "]}]}" }],
])("accepts %s (same keys in different objects, brackets inside strings, depth 64)", (text, value) => {
  expect(parseJsonStrict(enc.encode(text))).toEqual(value);
});

test("maxDepth is a parameter", () => {
  expect(() => parseJsonStrict(enc.encode("[[[1]]]"), { maxDepth: 2 })).toThrow(/deeper than 2/);
  expect(parseJsonStrict(enc.encode("[[1]]"), { maxDepth: 2 })).toEqual([[1]]);
});

const manyKeys = (n: number) => Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(",");

test.each([
  ["in an object of 40 keys (looked up by hash)", `{${manyKeys(40)},"k3":0}`, /key "k3" twice/],
  ["spelled with an escape in an object of 40 keys", `{${manyKeys(40)},"\\u006b7":0}`, /key "k7" twice/],
  ["that is non-ASCII, once raw and once escaped", '{"é":1,"\\u00e9":2}', /key "é" twice/],
])("refuses a duplicate key %s", (_name, text, message) => {
  expect(() => parseJsonStrict(enc.encode(text))).toThrow(message);
});

test("accepts an object of 1,000 distinct keys, and keys that differ only past a shared prefix", () => {
  expect(Object.keys(parseJsonStrict(enc.encode(`{${manyKeys(1000)}}`)) as object).length).toBe(1000);
  expect(parseJsonStrict(enc.encode('{"ab":1,"abc":2,"é":3,"e":4}'))).toEqual({ ab: 1, abc: 2, é: 3, e: 4 });
});
