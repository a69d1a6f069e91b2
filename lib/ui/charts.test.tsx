import { expect, test } from "bun:test";
import { ScoreChart, TierChart } from "./charts.tsx";
import { renderHtml } from "./render.ts";

test("ScoreChart renders an accessible SVG naming the latest value", async () => {
  const html = await renderHtml(
    <ScoreChart
      title="Score"
      points={[
        { label: "11-24", y: 80 },
        { label: "11-25", y: 92.5 },
      ]}
    />,
  );
  expect(html).toContain("<svg");
  expect(html).toContain('aria-label="Score: latest 92.5% on 11-25"');
  expect(html).toContain('class="line"');
  expect(html.match(/<circle/g)?.length).toBe(2);
});

test("ScoreChart with no data says so", async () => {
  const html = await renderHtml(<ScoreChart title="Score" points={[]} />);
  expect(html).toContain("no assessments yet");
  expect(html).not.toContain('class="line"');
});

test("TierChart totals each tier in its summary and draws one rect per non-zero segment", async () => {
  const html = await renderHtml(
    <TierChart
      groups={[
        { label: "a", counts: { L1: 3, L2: 1, L3: 0 } },
        { label: "b", counts: { L1: 2, L2: 0, L3: 1 } },
      ]}
    />,
  );
  expect(html).toContain("Incidents by tier: L1 5, L2 1, L3 1");
  expect(html.match(/<rect/g)?.length).toBe(4);
});

test("an empty healing chart names what and the period; a one-point score chart says so", () => {
  const days = ["11-12", "11-13", "11-14"].map((label) => ({ label, counts: { L1: 0, L2: 0, L3: 0 } }));
  const empty = String(<TierChart groups={days} what="Healing attempts" />);
  expect(empty).toContain("no healing attempts in the last 3 days (11-12 to 11-14)");
  expect(empty).toContain("Healing attempts by tier: L1 0, L2 0, L3 0");
  const one = String(
    <ScoreChart
      title="Score"
      points={[
        { label: "11-13", y: null },
        { label: "11-14", y: 80 },
      ]}
    />,
  );
  expect(one).toContain("one day assessed so far: 80% on 11-14");
  expect(one).not.toContain("<circle");
});

test("the last date label ends at the right edge instead of being cut off; the others are centred", async () => {
  const points = ["11-22", "11-23", "11-24", "11-25"].map((label, i) => ({ label, y: 80 + i }));
  const html = await renderHtml(<ScoreChart title="Score" points={points} />);
  expect(html).toMatch(/text-anchor="end">11-25<\/text>/);
  expect(html).toMatch(/text-anchor="middle">11-22<\/text>/);
});
