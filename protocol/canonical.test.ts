import { describe, expect, test } from "bun:test";
import { CanonicalizeError, canonicalize } from "./canonical.ts";

function fromIeeeHex(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

// RFC 8785 Appendix B: IEEE-754 bit patterns and their canonical serialization.
const numberVectors: [string, string][] = [
  ["0000000000000000", "0"],
  ["8000000000000000", "0"],
  ["0000000000000001", "5e-324"],
  ["8000000000000001", "-5e-324"],
  ["7fefffffffffffff", "1.7976931348623157e+308"],
  ["ffefffffffffffff", "-1.7976931348623157e+308"],
  ["4340000000000000", "9007199254740992"],
  ["c340000000000000", "-9007199254740992"],
  ["4430000000000000", "295147905179352830000"],
  ["44b52d02c7e14af5", "9.999999999999997e+22"],
  ["44b52d02c7e14af6", "1e+23"],
  ["44b52d02c7e14af7", "1.0000000000000001e+23"],
  ["444b1ae4d6e2ef4e", "999999999999999700000"],
  ["444b1ae4d6e2ef4f", "999999999999999900000"],
  ["444b1ae4d6e2ef50", "1e+21"],
  ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
  ["3eb0c6f7a0b5ed8d", "0.000001"],
  ["41b3de4355555553", "333333333.3333332"],
  ["41b3de4355555554", "333333333.33333325"],
  ["41b3de4355555555", "333333333.3333333"],
  ["41b3de4355555556", "333333333.3333334"],
  ["41b3de4355555557", "333333333.33333343"],
  ["becbf647612f3696", "-0.0000033333333333333333"],
  ["43143ff3c1cb0959", "1424953923781206.2"],
];

describe("canonicalize (RFC 8785)", () => {
  test.each(numberVectors)("number %s → %s", (hex, expected) => {
    expect(canonicalize(fromIeeeHex(hex))).toBe(expected);
  });

  test.each([["7fffffffffffffff"], ["7ff0000000000000"]])("rejects non-finite %s", (hex) => {
    expect(() => canonicalize(fromIeeeHex(hex))).toThrow(CanonicalizeError);
  });

  test("§3.2.2 example: numbers, escapes and literals", () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals":[null,true,false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  test("§3.2.3 example: property sorting by UTF-16 code units", () => {
    const input = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  test("nested objects sort recursively and drop undefined members", () => {
    expect(canonicalize({ b: [{ z: 1, a: 2 }], a: undefined, c: { y: null, x: true } })).toBe(
      '{"b":[{"a":2,"z":1}],"c":{"x":true,"y":null}}',
    );
  });

  test.each([
    ["lone high surrogate", "\ud800x"],
    ["lone low surrogate", "x\udc00"],
  ])("rejects %s", (_name, s) => {
    expect(() => canonicalize({ s })).toThrow(/lone surrogate at \$\.s|lone surrogate in string at \$\.s/);
  });

  // Values whose keys already come sorted are written by JSON.stringify; the others by the sorter.
  test.each([
    [
      "sorted keys",
      { a: 1, b: [true, null, "x"], c: { d: -0, e: 1e21 } },
      '{"a":1,"b":[true,null,"x"],"c":{"d":0,"e":1e+21}}',
    ],
    [
      "unsorted keys",
      { c: { e: 1e21, d: -0 }, b: [true, null, "x"], a: 1 },
      '{"a":1,"b":[true,null,"x"],"c":{"d":0,"e":1e+21}}',
    ],
    ["integer-like keys (Object.keys puts 2 before 10)", { "10": 1, "2": 2, a: 3 }, '{"10":1,"2":2,"a":3}'],
    ["escapes and non-ASCII", { "\u00e9": '\n"\\\u0001€' }, '{"é":"\\n\\"\\\\\\u0001€"}'],
    ["a null-prototype object", Object.assign(Object.create(null), { a: 1 }), '{"a":1}'],
  ])("%s", (_name, value, expected) => {
    expect(canonicalize(value)).toBe(expected);
  });

  test.each([
    ["undefined in an array", [1, undefined], "unsupported undefined at $[1]"],
    ["a hole in an array", new Array<number>(3).fill(1, 0, 1), "unsupported undefined at $[1]"],
    ["a lone surrogate in a sorted key", { a: 1, "\udc00": 2 }, "lone surrogate"],
    ["NaN in sorted keys", { a: Number.NaN }, "non-finite number at $.a"],
  ])("rejects %s, keys sorted or not", (_name, value, message) => {
    expect(() => canonicalize(value)).toThrow(message);
  });

  test("rejects non-plain objects with the path", () => {
    expect(() => canonicalize({ when: new Date(0) })).toThrow("unsupported object type at $.when");
    expect(() => canonicalize([1n])).toThrow("unsupported bigint at $[0]");
  });
});
