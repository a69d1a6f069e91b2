import { describe, expect, test } from "bun:test";
import { computeScore } from "./score.ts";
import { scoredFinding } from "./testkit.ts";

const finding = scoredFinding;

describe("computeScore", () => {
  test("no findings → no score, every control unassessed", () => {
    const s = computeScore([]);
    expect(s.score).toBeNull();
    expect(s.controls.every((c) => c.status === "unassessed")).toBe(true);
  });

  test("an unreachable host never fails the score: its last real result stands, or nothing is assessed", () => {
    const earlier = finding(
      "windows.screen-lock",
      "pass",
      ["§164.312(a)(2)(iii)"],
      "2026-11-25T09:00:00.000Z",
    );
    const off = finding(
      "windows.screen-lock",
      "unreachable",
      ["§164.312(a)(2)(iii)"],
      "2026-11-25T10:00:00.000Z",
    );
    expect(computeScore([earlier, off])).toEqual(computeScore([earlier]));
    expect(computeScore([earlier, off]).score).toBe(100);
    const onlyOff = computeScore([off]);
    expect({ score: onlyOff.score, assessed: onlyOff.assessed }).toEqual({ score: null, assessed: 0 });
  });

  test("worst status wins per control; pass=1 warn=½ fail=0", () => {
    const s = computeScore([
      finding("a", "pass", ["§164.312(b)"]),
      finding("b", "fail", ["§164.312(b)"]),
      finding("c", "warn", ["§164.312(d)"]),
      finding("d", "pass", ["§164.312(a)(1)"]),
    ]);
    const b = s.controls.find((c) => c.control.citation === "§164.312(b)")!;
    expect(b.status).toBe("fail");
    expect(b.evidence.map((e) => e.checkId)).toEqual(["b", "a"]);
    expect(s.assessed).toBe(3);
    expect(s.score).toBe(50);
  });

  test("only the latest finding per check and host counts", () => {
    const s = computeScore([
      finding("a", "fail", ["§164.312(b)"], "2026-11-25T10:00:00.000Z"),
      finding("a", "pass", ["§164.312(b)"], "2026-11-25T10:05:00.000Z"),
    ]);
    expect(s.score).toBe(100);
  });

  test("an errored check makes the control unknown and scores 0", () => {
    expect(
      computeScore([finding("a", "error", ["§164.312(b)"])]).controls.find((c) => c.status === "unknown"),
    ).toBeDefined();
  });
});
