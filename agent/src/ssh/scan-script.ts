/**
 * The one script a scan runs on a host: every command, file, directory listing and link the
 * checks will ask for, gathered in a single POSIX `sh` run (Linux and macOS alike) and printed as
 * one JSON document. Inside it, the outputs are framed by a random boundary line and the whole
 * stream is base64 once (binary bytes and odd characters never break the JSON, and a host with a
 * hundred requests pays no extra process per request). The caller caps its size. The host's clock
 * and name come first, so a scan can report the host's own time offset without another round trip.
 */
import * as v from "valibot";
import type { CommandResult } from "../checks/host.ts";

/** One thing a check asks of a host. */
export type Request =
  | { kind: "run"; argv: readonly string[] }
  | { kind: "file"; path: string }
  | { kind: "dir"; path: string }
  | { kind: "link"; path: string };

/** A stable key for a request (the same ask always has the same key). */
export function requestKey(r: Request): string {
  return r.kind === "run" ? JSON.stringify(["run", ...r.argv]) : JSON.stringify([r.kind, r.path]);
}

/** Single-quote a word for sh. */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

const PRELUDE = `LC_ALL=C; LANG=C; export LC_ALL LANG
# Programs macOS keeps outside the default PATH; appended, so an earlier entry still wins.
PATH="$PATH:/usr/sbin:/sbin:/usr/libexec/ApplicationFirewall:/usr/libexec"; export PATH
t=$(mktemp -d 2>/dev/null || mktemp -d -t malachor) || exit 70
trap 'rm -rf "$t"' EXIT
LIM=""; command -v timeout >/dev/null 2>&1 && LIM="timeout -s KILL $MALACHOR_CMD_SEC"
o() { printf '\\n%s %s\\n' "$B" "$1"; printf '\\n%s %s\\n' "$B" "$1" >&2; }
e() { printf '\\n%s %s %s\\n' "$B" "$1" "$2"; }
r() { i=$1; shift; o "$i"; $LIM "$@" </dev/null; e "$i" $?; }
f() { o "$1"; if [ -f "$2" ] && [ -r "$2" ]; then cat -- "$2"; e "$1" $?; else e "$1" 1; fi; }
d() { o "$1"; if [ -d "$2" ]; then ls -A1 -- "$2"; e "$1" $?; else e "$1" 1; fi; }
l() { o "$1"; readlink -- "$2"; e "$1" $?; }
clock=$(date +%s%N); host=$(uname -n)
{
`;

/** The script gathering `requests`; each command may run `commandSec` seconds where `timeout` exists. */
export function scanScript(requests: readonly Request[], commandSec: number, boundary: string): string {
  const lines = [
    `MALACHOR_CMD_SEC=${Math.max(1, Math.round(commandSec))}`,
    `B=${boundary}`,
    PRELUDE.trimEnd(),
  ];
  requests.forEach((q, i) => {
    if (q.kind === "run") {
      // A command not installed exits 127 from sh, exactly what Host.run promises.
      lines.push(`r ${i} ${q.argv.map(shQuote).join(" ")}`);
    } else {
      lines.push(`${q.kind[0]} ${i} ${shQuote(q.path)}`);
    }
  });
  lines.push(
    `} >"$t/o" 2>"$t/e"`,
    `printf '{"clock":"%s","host":"%s","out":"%s","err":"%s"}\\n' "$clock" "$host" "$(base64 <"$t/o" | tr -d '\\n')" "$(base64 <"$t/e" | tr -d '\\n')"`,
  );
  return `${lines.join("\n")}\n`;
}

const ScanOutput = v.strictObject({
  clock: v.string(),
  host: v.string(),
  out: v.string(),
  err: v.string(),
});

/** What one scan gathered: results by request key, the host's name and its clock at the start. */
export interface Snapshot {
  results: Map<string, CommandResult>;
  hostname: string;
  /** The host's clock (ms since the epoch) when the script started; NaN when unreadable. */
  hostClockMs: number;
}

const fromB64 = (s: string) => Buffer.from(s, "base64").toString("utf8");

/** Split a framed stream: `\n<B> <i>\n` opens request i's bytes, `\n<B> <i> <code>\n` closes them. */
function frames(
  stream: string,
  boundary: string,
): { bytes: Map<number, string>; codes: Map<number, number> } {
  const bytes = new Map<number, string>();
  const codes = new Map<number, number>();
  for (const part of stream.split(`\n${boundary} `).slice(1)) {
    const nl = part.indexOf("\n");
    const [i, code] = (nl < 0 ? part : part.slice(0, nl)).split(" ");
    if (code === undefined) bytes.set(Number(i), nl < 0 ? "" : part.slice(nl + 1));
    else codes.set(Number(i), Number(code));
  }
  return { bytes, codes };
}

/** `date +%s%N`: nanoseconds on GNU, `<seconds>N` on BSD/macOS (no %N there). */
export function parseClock(text: string): number {
  const t = text.trim();
  if (/^\d+N$/.test(t)) return Number(t.slice(0, -1)) * 1000;
  if (/^\d{19}$/.test(t)) return Number(BigInt(t) / 1000n) / 1000;
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  return Number.NaN;
}

/** Parse the script's output for `requests`; throws on anything that is not its JSON. */
export function parseScanOutput(stdout: string, requests: readonly Request[], boundary: string): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new Error(
      `scan output is not JSON (${stdout.length} bytes, starts ${JSON.stringify(stdout.slice(0, 60))})`,
    );
  }
  const parsed = v.safeParse(ScanOutput, raw);
  if (!parsed.success) throw new Error(`scan output has the wrong shape: ${parsed.issues[0].message}`);
  const out = frames(fromB64(parsed.output.out), boundary);
  const err = frames(fromB64(parsed.output.err), boundary);
  const results = new Map<string, CommandResult>();
  for (const [i, code] of out.codes) {
    const q = requests[i];
    if (!q) throw new Error(`scan output names request ${i}, but only ${requests.length} were sent`);
    results.set(requestKey(q), { code, stdout: out.bytes.get(i) ?? "", stderr: err.bytes.get(i) ?? "" });
  }
  return { results, hostname: parsed.output.host.trim(), hostClockMs: parseClock(parsed.output.clock) };
}
