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
