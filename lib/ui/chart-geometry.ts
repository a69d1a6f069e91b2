/**
 * Geometry of the inline SVG charts, as pure functions of plain data (tested without a DOM).
 * Coordinates are in the SVG's own viewBox units; the CSS scales the picture to its container.
 */

/** Plot area inside the viewBox: room on the left for y labels and at the bottom for x labels. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const DEFAULT_FRAME: Frame = { width: 600, height: 200, left: 36, right: 10, top: 10, bottom: 24 };

/** One point of a time series; `y` null means "no value that day" and breaks the line. */
export interface SeriesPoint {
  label: string;
  y: number | null;
}

export interface LineGeometry {
  /** SVG path data; one `M` per unbroken run of values. Empty when there is nothing to draw. */
  path: string;
  /** Closed path under each run, for the shaded area. */
  area: string;
  dots: { x: number; y: number; label: string; value: number }[];
  yTicks: { y: number; label: string }[];
  /** At most ~6 x labels, evenly thinned, always including the last. */
  xLabels: { x: number; label: string }[];
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** Line chart of values within [yMin, yMax] (a score is 0–100). */
export function lineGeometry(
  points: readonly SeriesPoint[],
  opts: { yMin?: number; yMax?: number; frame?: Frame } = {},
): LineGeometry {
  const f = opts.frame ?? DEFAULT_FRAME;
  const yMin = opts.yMin ?? 0;
  const yMax = opts.yMax ?? 100;
  const plotW = f.width - f.left - f.right;
  const plotH = f.height - f.top - f.bottom;
  const n = points.length;
  const xAt = (i: number) => r1(f.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1)));
  const yAt = (v: number) => {
    const c = Math.min(yMax, Math.max(yMin, v));
    return r1(f.top + plotH - ((c - yMin) / (yMax - yMin || 1)) * plotH);
  };
  const dots: LineGeometry["dots"] = [];
  const runs: { x: number; y: number }[][] = [];
  let run: { x: number; y: number }[] = [];
  points.forEach((p, i) => {
    if (p.y === null || !Number.isFinite(p.y)) {
      if (run.length) runs.push(run);
      run = [];
      return;
    }
    const pt = { x: xAt(i), y: yAt(p.y) };
    run.push(pt);
    dots.push({ ...pt, label: p.label, value: p.y });
  });
  if (run.length) runs.push(run);
  const base = r1(f.top + plotH);
  const path = runs.map((r) => r.map((p, i) => `${i === 0 ? "M" : "L"}${p.x} ${p.y}`).join(" ")).join(" ");
  const area = runs
    .filter((r) => r.length > 1)
    .map((r) => `M${r[0]!.x} ${base} ${r.map((p) => `L${p.x} ${p.y}`).join(" ")} L${r.at(-1)!.x} ${base} Z`)
    .join(" ");
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const v = yMin + t * (yMax - yMin);
    return { y: yAt(v), label: String(Math.round(v)) };
  });
  const step = Math.max(1, Math.ceil(n / 6));
  const xLabels = points
    .map((p, i) => ({ x: xAt(i), label: p.label, i }))
    .filter(({ i }) => i % step === 0 || i === n - 1)
    .filter(({ i }) => !(i !== n - 1 && n - 1 - i < step / 2)) // keep the last label clear of its neighbour
    .map(({ x, label }) => ({ x, label }));
  return { path, area, dots, yTicks, xLabels };
}

/** One group of a stacked bar chart: a label and a count per series key. */
export interface BarGroup<K extends string> {
  label: string;
  counts: Record<K, number>;
}

export interface BarGeometry<K extends string> {
  bars: { key: K; x: number; y: number; width: number; height: number; count: number; label: string }[];
  yTicks: { y: number; label: string }[];
  xLabels: { x: number; label: string }[];
  /** Largest stacked total, the top of the y axis (at least 1). */
  max: number;
}

/** Nice upper bound for an axis: 1, 2, 5 × 10^k at or above `n`. */
export function niceCeil(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

/** Stacked bars, one per group, segments in `keys` order from the bottom up; zero segments are omitted. */
export function stackedBarGeometry<K extends string>(
  groups: readonly BarGroup<K>[],
  keys: readonly K[],
  frame: Frame = DEFAULT_FRAME,
): BarGeometry<K> {
  const plotW = frame.width - frame.left - frame.right;
  const plotH = frame.height - frame.top - frame.bottom;
  const totals = groups.map((g) => keys.reduce((s, k) => s + (g.counts[k] ?? 0), 0));
  const max = niceCeil(Math.max(0, ...totals));
  const slot = groups.length ? plotW / groups.length : plotW;
  const width = r1(Math.max(2, slot * 0.7));
  const bars: BarGeometry<K>["bars"] = [];
  groups.forEach((g, i) => {
    const x = r1(frame.left + i * slot + (slot - width) / 2);
    let acc = 0;
    for (const key of keys) {
      const count = g.counts[key] ?? 0;
      if (count <= 0) continue;
      const y0 = frame.top + plotH - ((acc + count) / max) * plotH;
      const h = (count / max) * plotH;
      bars.push({ key, x, y: r1(y0), width, height: r1(h), count, label: g.label });
      acc += count;
    }
  });
  // Whole numbers only: a half-way tick is drawn when it is an integer count.
  const yTicks = [0, 0.5, 1]
    .filter((t) => Number.isInteger(t * max))
    .map((t) => ({ y: r1(frame.top + plotH - t * plotH), label: String(t * max) }));
  const step = Math.max(1, Math.ceil(groups.length / 7));
  const xLabels = groups
    .map((g, i) => ({ x: r1(frame.left + i * slot + slot / 2), label: g.label, i }))
    .filter(({ i }) => i % step === 0)
    .map(({ x, label }) => ({ x, label }));
  return { bars, yTicks, xLabels, max };
}
