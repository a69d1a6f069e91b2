import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

/** A filter chain reduced to what matters: its policy, rules' verdicts and accepted ports. */
export interface Chain {
  hook?: string;
  policy?: string;
  rules: { verdict?: string; target?: string; ports: number[] }[];
}

function portsOf(right: unknown): number[] {
  if (typeof right === "number") return [right];
  if (right && typeof right === "object") {
    const o = right as { set?: unknown[]; range?: [number, number] };
    if (Array.isArray(o.set)) return o.set.flatMap(portsOf);
    if (Array.isArray(o.range)) {
      const [a, b] = o.range;
      return b - a <= 64 ? Array.from({ length: b - a + 1 }, (_, i) => a + i) : [a, b];
    }
  }
  return [];
}

/** Chains from `nft -j list ruleset`, keyed by family/table/name. */
export function parseNftJson(text: string): Map<string, Chain> {
  const doc = JSON.parse(text) as { nftables?: Record<string, Record<string, unknown>>[] };
  const chains = new Map<string, Chain>();
  const key = (o: Record<string, unknown>, name = o.name ?? o.chain) => `${o.family}/${o.table}/${name}`;
  for (const entry of doc.nftables ?? []) {
    if (entry.chain) {
      const c = entry.chain;
      chains.set(key(c), {
        hook: c.hook as string | undefined,
        policy: c.policy as string | undefined,
        rules: [],
      });
    } else if (entry.rule) {
      const r = entry.rule;
      const chain = chains.get(key(r, r.chain));
      if (!chain) continue;
      const rule: Chain["rules"][number] = { ports: [] };
      for (const e of (r.expr as Record<string, unknown>[]) ?? []) {
        if ("accept" in e) rule.verdict = "accept";
        else if ("drop" in e) rule.verdict = "drop";
        else if ("reject" in e) rule.verdict = "reject";
        else if (e.jump || e.goto) {
          rule.verdict = "jump";
          rule.target = key(r, ((e.jump ?? e.goto) as { target: string }).target);
        } else if (e.match) {
          const m = e.match as { left?: { payload?: { field?: string } }; right?: unknown };
          if (m.left?.payload?.field === "dport") rule.ports.push(...portsOf(m.right));
        }
      }
      chain.rules.push(rule);
    }
  }
  return chains;
}

/** Chains from `iptables-save` text (filter table), keyed `ip/filter/<name>`. */
export function parseIptablesSave(text: string): Map<string, Chain> {
  const chains = new Map<string, Chain>();
  let inFilter = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("*")) inFilter = line.trim() === "*filter";
    if (!inFilter) continue;
    const decl = /^:(\S+) (\S+)/.exec(line);
    if (decl) {
      const builtin = ["INPUT", "FORWARD", "OUTPUT"].includes(decl[1]!);
      chains.set(`ip/filter/${decl[1]}`, {
        hook: builtin ? decl[1]!.toLowerCase() : undefined,
        policy: builtin ? decl[2]!.toLowerCase() : undefined,
        rules: [],
      });
      continue;
    }
    const rule = /^-A (\S+) (.*)$/.exec(line);
    if (!rule) continue;
    const target = /-j (\S+)/.exec(rule[2]!)?.[1];
    const dports = /--dports? (\S+)/.exec(rule[2]!)?.[1];
    const ports = dports ? dports.split(",").flatMap((p) => portsOf(Number(p.split(":")[0]))) : [];
    const verdict =
      target === "ACCEPT"
        ? "accept"
        : target === "DROP"
          ? "drop"
          : target === "REJECT"
            ? "reject"
            : target
              ? "jump"
              : undefined;
    chains.get(`ip/filter/${rule[1]}`)?.rules.push({
      verdict,
      target: verdict === "jump" ? `ip/filter/${target}` : undefined,
      ports,
    });
  }
  return chains;
}

// Does traffic falling through this chain end up denied? Follows a trailing jump (NixOS's
// nixos-fw → nixos-fw-log-refuse → drop) a few levels deep.
function endsDenied(chains: Map<string, Chain>, name: string, depth = 0): boolean {
  const c = chains.get(name);
  if (!c || depth > 5) return false;
  if (c.policy === "drop" || c.policy === "reject") return true;
  const last = c.rules.at(-1);
  if (!last) return false;
  if ((last.verdict === "drop" || last.verdict === "reject") && last.ports.length === 0) return true;
  if (last.verdict === "jump" && last.target && last.ports.length === 0)
    return endsDenied(chains, last.target, depth + 1);
  return false;
}

function acceptedPorts(chains: Map<string, Chain>, name: string, seen = new Set<string>()): number[] {
  const c = chains.get(name);
  if (!c || seen.has(name)) return [];
  seen.add(name);
  return c.rules.flatMap((r) => {
    if (r.verdict === "accept") return r.ports;
    if (r.verdict !== "jump" || !r.target) return [];
    // `--dport 22 -j nixos-fw-accept`: ports jumping to a chain that accepts everything are open.
    const target = chains.get(r.target);
    const acceptsAll = target?.rules.some((t) => t.verdict === "accept" && t.ports.length === 0) ?? false;
    return [...(acceptsAll ? r.ports : []), ...acceptedPorts(chains, r.target, seen)];
  });
}

/** Judge a rule set: an input chain that denies by default, and which ports it opens. */
export function judgeFirewall(chains: Map<string, Chain>, allowed: number[]) {
  const inputs = [...chains.entries()].filter(([, c]) => c.hook === "input").map(([n]) => n);
  const denying = inputs.filter((n) => endsDenied(chains, n));
  const open = [...new Set(inputs.flatMap((n) => acceptedPorts(chains, n)))].sort((a, b) => a - b);
  const unexpected = open.filter((p) => !allowed.includes(p));
  return { inputs, denying, open, unexpected };
}

/** The host firewall filters inbound traffic (default deny) and opens only allowed ports. */
export async function firewall({ host, settings }: CheckContext): Promise<CheckOutcome> {
  const expected = `inbound default deny; open ports within ${settings.allowedPorts.join(", ") || "(none)"}`;
  let chains: Map<string, Chain>;
  let tool: string;
  const nft = await host.run(["nft", "-j", "list", "ruleset"]);
  if (nft.code === 0) {
    chains = parseNftJson(nft.stdout);
    tool = "nft";
  } else {
    const ipt = await host.run(["iptables-save"]);
    if (ipt.code === 127 && nft.code === 127)
      return outcome("fail", expected, "no firewall tooling (nft, iptables) installed");
    if (ipt.code !== 0) {
      const why = `${nft.stderr} ${ipt.stderr}`.trim().slice(0, 300);
      return outcome(
        "error",
        expected,
        /permi|denied/i.test(why) ? "cannot read the rule set: run as root" : "cannot read the rule set",
        { stderr: why },
      );
    }
    chains = parseIptablesSave(ipt.stdout);
    tool = "iptables";
  }
  const j = judgeFirewall(chains, settings.allowedPorts);
  const details = {
    tool,
    inputChains: j.inputs,
    denyingChains: j.denying,
    openPorts: j.open,
    unexpectedPorts: j.unexpected,
  };
  if (j.inputs.length === 0)
    return outcome("fail", expected, "no inbound filter chain: firewall inactive", details);
  if (j.denying.length === 0) return outcome("fail", expected, "inbound chain accepts by default", details);
  if (j.unexpected.length > 0)
    return outcome("warn", expected, `opens unexpected ports ${j.unexpected.join(", ")}`, details);
  return outcome("pass", expected, `default deny (${tool}); open: ${j.open.join(", ") || "none"}`, details);
}
