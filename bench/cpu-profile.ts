/**
 * Where a process's JavaScript CPU time went, from a `.cpuprofile` written by Bun's --cpu-prof:
 * each sample goes to the innermost frame on its stack whose source file matches a stage rule
 * (so time inside valibot called from the auth middleware counts as validation), else to the
 * leaf function's name.
 */
import * as v from "valibot";

const CallFrame = v.object({ functionName: v.string(), url: v.string(), lineNumber: v.number() });
const CpuProfile = v.object({
  nodes: v.array(
    v.object({ id: v.number(), callFrame: CallFrame, children: v.optional(v.array(v.number())) }),
  ),
  /** Wall-clock microseconds (Bun writes the Unix epoch). */
  startTime: v.number(),
  samples: v.array(v.number()),
  timeDeltas: v.array(v.number()),
});
type CpuProfile = v.InferOutput<typeof CpuProfile>;

/** A stage: samples whose innermost matching frame's URL matches `url` count towards `name`. */
export interface StageRule {
  name: string;
  url: RegExp;
}

/** Milliseconds of sampled CPU per stage, largest first, and the total. */
export interface ProfileSummary {
  totalMs: number;
  stages: { name: string; ms: number }[];
}

/**
 * Summarise a parsed .cpuprofile by stage (see the module comment), counting only samples taken
 * within `window` (Unix milliseconds) when given; each sample counts `intervalMs` (Bun's default
 * --cpu-prof-interval is 1 ms).
 */
export function summarizeCpuProfile(
  raw: unknown,
  rules: readonly StageRule[],
  window?: { fromMs: number; toMs: number },
  intervalMs = 1,
): ProfileSummary {
  const profile: CpuProfile = v.parse(CpuProfile, raw);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOfNode = new Map<number, string>();
  const stageOf = (id: number): string => {
    const known = stageOfNode.get(id);
    if (known !== undefined) return known;
    let name: string | undefined;
    for (let at: number | undefined = id; at !== undefined && !name; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      name = rules.find((r) => r.url.test(url))?.name;
    }
    const leaf = byId.get(id)!.callFrame;
    name ??= `other: ${leaf.functionName || "(anonymous)"}${leaf.url ? ` (${shortUrl(leaf.url)})` : ""}`;
    stageOfNode.set(id, name);
    return name;
  };
  const ms = new Map<string, number>();
  let totalMs = 0;
  let atUs = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    // Each sample stands for one sampling interval of running JavaScript; timeDeltas also span the
    // idle gaps between samples, so they only place a sample in time.
    const dt = intervalMs;
    atUs += profile.timeDeltas[i] ?? 0;
    if (window && (atUs < window.fromMs * 1000 || atUs > window.toMs * 1000)) continue;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === "(idle)" || frame.functionName === "(root)") continue;
    totalMs += dt;
    const s = stageOf(id);
    ms.set(s, (ms.get(s) ?? 0) + dt);
  }
  const stages = [...ms].map(([name, t]) => ({ name, ms: t })).sort((a, b) => b.ms - a.ms);
  return { totalMs, stages };
}

function shortUrl(url: string): string {
  const at = url.search(/\/(cloud|protocol|lib|node_modules)\//);
  return at >= 0 ? url.slice(at + 1) : url;
}
