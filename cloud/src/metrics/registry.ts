/**
 * Minimal Prometheus registry. Per-instance by nature (Prometheus scrapes every instance), so it
 * holds no state the service depends on.
 */
export class Metrics {
  private counters = new Map<string, { help: string; values: Map<string, number> }>();
  private histograms = new Map<
    string,
    { help: string; buckets: number[]; series: Map<string, { counts: number[]; sum: number; count: number }> }
  >();

  /** Add `n` to a counter with labels. */
  inc(name: string, help: string, labels: Record<string, string> = {}, n = 1): void {
    let c = this.counters.get(name);
    if (!c) {
      c = { help, values: new Map() };
      this.counters.set(name, c);
    }
    const key = labelText(labels);
    c.values.set(key, (c.values.get(key) ?? 0) + n);
  }

  /** Record an observation (seconds) in a histogram. */
  observe(name: string, help: string, labels: Record<string, string>, value: number): void {
    let h = this.histograms.get(name);
    if (!h) {
      h = { help, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], series: new Map() };
      this.histograms.set(name, h);
    }
    const key = labelText(labels);
    let s = h.series.get(key);
    if (!s) {
      s = { counts: h.buckets.map(() => 0), sum: 0, count: 0 };
      h.series.set(key, s);
    }
    h.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]!++;
    });
    s.sum += value;
    s.count++;
  }

  /** Prometheus text exposition format. */
  render(): string {
    const out: string[] = [];
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      for (const [l, val] of c.values) out.push(`${name}${l} ${val}`);
    }
    for (const [name, h] of this.histograms) {
      out.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`);
      for (const [l, s] of h.series) {
        const inner = l.slice(1, -1);
        const sep = inner ? "," : "";
        h.buckets.forEach((b, i) => {
          out.push(`${name}_bucket{${inner}${sep}le="${b}"} ${s.counts[i]}`);
        });
        out.push(`${name}_bucket{${inner}${sep}le="+Inf"} ${s.count}`);
        out.push(`${name}_sum${l} ${s.sum}`, `${name}_count${l} ${s.count}`);
      }
    }
    return `${out.join("\n")}\n`;
  }
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}
