import { type CheckOutcome, outcome } from "../check.ts";
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
