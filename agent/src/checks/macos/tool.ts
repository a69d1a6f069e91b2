import { type CheckContext, type CheckOutcome, type LinuxCheck, outcome } from "../check.ts";
import type { Host } from "../host.ts";

/** Run a macOS tool; its stdout and stderr together (sysadminctl answers on stderr). */
export async function toolText(host: Host, argv: readonly string[]): Promise<{ text: string; code: number }> {
  const r = await host.run(argv);
  return { text: `${r.stdout}${r.stderr}`, code: r.code };
}

/** The outcome for output a parser did not recognise: name the tool and show the start. */
export function unrecognised(expected: string, argv: readonly string[], text: string): CheckOutcome {
  const what = text.trim() ? `unrecognised output: ${text.trim().slice(0, 120)}` : "no output";
  return outcome("error", expected, `${argv.join(" ")}: ${what}`, {});
}

/** What a check that runs one macOS tool declares: the tool, how to read its output and judge it. */
export interface ToolCheckSpec<P> {
  argv: readonly string[];
  /** The passing state, as the finding states it. */
  expected: string;
  /** The tool's parsed output, undefined when unrecognised. */
  parse(text: string): P | undefined;
  judge(parsed: P, expected: string, ctx: CheckContext): CheckOutcome;
}

/** The detect of a check that runs one macOS tool and judges its parsed output; unrecognised output is an error outcome. */
export function toolDetect<P>(spec: ToolCheckSpec<P>): LinuxCheck["detect"] {
  const { argv, expected, parse, judge } = spec;
  return async (ctx) => {
    const { text } = await toolText(ctx.host, argv);
    const parsed = parse(text);
    if (!parsed) return unrecognised(expected, argv, text);
    return judge(parsed, expected, ctx);
  };
}

/** The judge of a tool that answers one yes/no: pass with `yes` when `key` is set, else fail with `no`. */
export function yesNo<K extends string>(
  key: K,
  yes: string,
  no: string,
): ToolCheckSpec<Record<K, boolean>>["judge"] {
  return (p, expected) =>
    p[key]
      ? outcome("pass", expected, yes, { [key]: true })
      : outcome("fail", expected, no, { [key]: false });
}
