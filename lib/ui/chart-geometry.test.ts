import { describe, expect, test } from "bun:test";
import { DEFAULT_FRAME as f, lineGeometry, niceCeil, stackedBarGeometry } from "./chart-geometry.ts";

describe("lineGeometry", () => {
  test("maps 0 to the bottom and 100 to the top of the plot", () => {
    const g = lineGeometry([
      { label: "a", y: 0 },
      { label: "b", y: 100 },
    ]);
    expect(g.dots).toEqual([
      { x: f.left, y: f.height - f.bottom, label: "a", value: 0 },
      { x: f.width - f.right, y: f.top, label: "b", value: 100 },
    ]);
    expect(g.path).toBe(`M${f.left} ${f.height - f.bottom} L${f.width - f.right} ${f.top}`);
  });

  test("a null value breaks the line into two runs", () => {
    const g = lineGeometry([
      { label: "1", y: 50 },
      { label: "2", y: 60 },
      { label: "3", y: null },
      { label: "4", y: 70 },
      { label: "5", y: 80 },
    ]);
    expect(g.path.match(/M/g)?.length).toBe(2);
    expect(g.dots.map((d) => d.label)).toEqual(["1", "2", "4", "5"]);
    expect(g.area.match(/Z/g)?.length).toBe(2);
  });

  test.each([
    ["empty", [], 0, ""],
    ["single point is centred", [{ label: "x", y: 40 }], 1, "M"],
    ["all null", [{ label: "x", y: null }], 0, ""],
  ] as const)("%s", (_name, pts, dots, pathStart) => {
    const g = lineGeometry(pts);
    expect(g.dots.length).toBe(dots);
    expect(g.path.startsWith(pathStart)).toBe(true);
    if (dots === 1) expect(g.dots[0]!.x).toBe(f.left + (f.width - f.left - f.right) / 2);
  });

  test("values outside the range are clamped; x labels are thinned and keep the last", () => {
    const pts = Array.from({ length: 30 }, (_, i) => ({ label: `d${i}`, y: i === 0 ? 150 : -5 }));
    const g = lineGeometry(pts);
    expect(g.dots[0]!.y).toBe(f.top);
    expect(g.dots[1]!.y).toBe(f.height - f.bottom);
    expect(g.xLabels.length).toBeLessThanOrEqual(7);
    expect(g.xLabels.at(-1)!.label).toBe("d29");
    expect(g.yTicks.map((t) => t.label)).toEqual(["0", "25", "50", "75", "100"]);
  });
});

describe("stackedBarGeometry", () => {
  test("stacks segments bottom-up in key order and skips zeros", () => {
    const g = stackedBarGeometry(
      [
        { label: "mon", counts: { L1: 6, L2: 3, L3: 1 } },
        { label: "tue", counts: { L1: 0, L2: 0, L3: 2 } },
      ],
      ["L1", "L2", "L3"],
    );
    expect(g.max).toBe(10);
    const mon = g.bars.filter((b) => b.label === "mon");
    expect(mon.map((b) => b.key)).toEqual(["L1", "L2", "L3"]);
    // L1 sits on the axis, L2 directly on top of it.
    const bottom = f.height - f.bottom;
    expect(Math.round(mon[0]!.y + mon[0]!.height)).toBe(bottom);
    expect(Math.round(mon[1]!.y + mon[1]!.height)).toBe(Math.round(mon[0]!.y));
    expect(g.bars.filter((b) => b.label === "tue").map((b) => b.key)).toEqual(["L3"]);
  });

  test("no groups or only zeros draw no bars and keep a positive axis", () => {
    expect(stackedBarGeometry([], ["a"]).bars).toEqual([]);
    const g = stackedBarGeometry([{ label: "x", counts: { a: 0 } }], ["a"]);
    expect(g.bars).toEqual([]);
    expect(g.max).toBe(1);
    expect(g.yTicks.map((t) => t.label)).toEqual(["0", "1"]);
  });

  test.each([
    [2, ["0", "1", "2"]],
    [5, ["0", "5"]],
    [10, ["0", "5", "10"]],
  ])("y ticks for a maximum of %d are whole numbers", (n, labels) => {
    const g = stackedBarGeometry([{ label: "x", counts: { a: n } }], ["a"]);
    expect(g.yTicks.map((t) => t.label)).toEqual(labels);
  });
});

test.each([
  [0, 1],
  [1, 1],
  [3, 5],
  [7, 10],
  [11, 20],
  [430, 500],
  [501, 1000],
])("niceCeil(%d) = %d", (n, want) => {
  expect(niceCeil(n)).toBe(want);
});
