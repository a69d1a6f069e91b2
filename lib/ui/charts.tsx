import type { Child } from "hono/jsx";
import { DEFAULT_FRAME, lineGeometry, type SeriesPoint, stackedBarGeometry } from "./chart-geometry.ts";

const f = DEFAULT_FRAME;

/** Horizontal grid lines with their y labels, and the x labels under the plot. */
function Axes(p: { yTicks: { y: number; label: string }[]; xLabels: { x: number; label: string }[] }) {
  return (
    <>
      {p.yTicks.map((t) => (
        <>
          <line class="axis" x1={f.left} x2={f.width - f.right} y1={t.y} y2={t.y} />
          <text x={f.left - 6} y={t.y + 4} text-anchor="end">
            {t.label}
          </text>
        </>
      ))}
      {p.xLabels.map((l) => (
        // A label centred at the right edge would be cut off by the viewBox: end it there instead.
        <text x={l.x} y={f.height - 6} text-anchor={l.x > f.width - f.right - 24 ? "end" : "middle"}>
          {l.label}
        </text>
      ))}
    </>
  );
}

/** A chart's SVG: the summary as its accessible name and title, the axes, then the marks. */
function ChartSvg(p: {
  summary: string;
  testid: string;
  axes: Parameters<typeof Axes>[0];
  children?: Child;
}) {
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${f.width} ${f.height}`}
      role="img"
      aria-label={p.summary}
      data-testid={p.testid}
    >
      <title>{p.summary}</title>
      <Axes yTicks={p.axes.yTicks} xLabels={p.axes.xLabels} />
      {p.children}
    </svg>
  );
}

/** Compliance score over time (0–100) as an inline SVG line chart with an accessible summary. */
export function ScoreChart(p: { points: readonly SeriesPoint[]; title: string }) {
  const g = lineGeometry(p.points);
  const last = [...p.points].reverse().find((x) => x.y !== null);
  const summary = last ? `${p.title}: latest ${last.y}% on ${last.label}` : `${p.title}: no data yet`;
  return (
    <ChartSvg summary={summary} testid="score-chart" axes={g}>
      {g.area ? <path class="area" d={g.area} /> : null}
      {g.path ? <path class="line" d={g.path} /> : null}
      {g.dots.length > 1 &&
        g.dots.map((d) => (
          <circle cx={d.x} cy={d.y} r="2.5" fill="currentColor" class="dot">
            <title>{`${d.label}: ${d.value}%`}</title>
          </circle>
        ))}
      {g.dots.length === 0 ? (
        <text x={f.width / 2} y={f.height / 2} text-anchor="middle">
          no assessments yet
        </text>
      ) : g.dots.length === 1 ? (
        // One point is no trend: say so rather than draw a lone dot.
        <text x={f.width / 2} y={f.height / 2} text-anchor="middle" data-testid="one-point">
          {`one day assessed so far: ${g.dots[0]!.value}% on ${g.dots[0]!.label}`}
        </text>
      ) : null}
    </ChartSvg>
  );
}

const TIERS = ["L1", "L2", "L3"] as const;

/** Incidents per day stacked by the tier that handled them (L1 automatic, L2 planned, L3 people). */
export function TierChart(p: {
  groups: readonly { label: string; counts: Record<"L1" | "L2" | "L3", number> }[];
  /** What the bars count, capitalised as a title ("Incidents", "Healing attempts"). */
  what?: string;
}) {
  const g = stackedBarGeometry(p.groups, TIERS);
  const what = p.what ?? "Incidents";
  const totals = TIERS.map((t) => `${t} ${p.groups.reduce((s, x) => s + (x.counts[t] ?? 0), 0)}`).join(", ");
  const summary = `${what} by tier: ${totals}`;
  const period =
    p.groups.length > 0
      ? ` in the last ${p.groups.length} days (${p.groups[0]!.label} to ${p.groups.at(-1)!.label})`
      : "";
  return (
    <figure style="margin:0">
      <ChartSvg summary={summary} testid="tier-chart" axes={g}>
        {g.bars.map((b) => (
          <rect class={`bar ${b.key}`} x={b.x} y={b.y} width={b.width} height={b.height}>
            <title>{`${b.label}: ${b.count} ${b.key}`}</title>
          </rect>
        ))}
        {g.bars.length === 0 ? (
          <text x={f.width / 2} y={f.height / 2} text-anchor="middle">
            {`no ${what.toLowerCase()}${period}`}
          </text>
        ) : null}
      </ChartSvg>
      <figcaption class="legend">
        <span>
          <i style="background:#4f8fbf" />
          L1 automatic rule
        </span>
        <span>
          <i style="background:#c08a1e" />
          L2 planned fix
        </span>
        <span>
          <i style="background:#b3261e" />
          L3 people
        </span>
      </figcaption>
    </figure>
  );
}
