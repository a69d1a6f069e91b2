import { connect as tlsConnect } from "node:tls";
import { WinRmClient } from "../winrm/client.ts";
import { WinRmError } from "../winrm/errors.ts";
import { parseCommandArgs, subcommandCommand } from "./args.ts";
import { CliError, EXIT, type Io } from "./command.ts";
import { resolveTarget, TARGET_OPTIONS } from "./winrm-target.ts";

const usage =
  "malachor winrm test <host> [--config <file>] [--user U --password-file F] [--https] [--port N] [--pin <sha256>] [--json]\n" +
  "  connects, authenticates, opens a shell and runs PowerShell on a Windows host; says what to fix when a step fails.\n" +
  "  Exit 0 all steps passed, 1 a step failed, 2 bad usage, 3 bad config or password file.";

/** What to do next, per failure kind. */
const NEXT_STEP: Record<WinRmError["kind"], string> = {
  auth: "check the password file and that the account may use WinRM (member of Remote Management Users or Administrators)",
  connect:
    "on the host run `winrm quickconfig` and allow TCP 5985/5986 in its firewall; check routing from the appliance",
  dns: "check the host name in [[windows.hosts]] or use its IP address",
  tls: "compare the fingerprint below with the host's WinRM certificate, then set cert_fingerprint in [[windows.hosts]]",
  "plain-http":
    'this port is an HTTP listener: set transport = "http-ntlm" for it (drop --https), or use the HTTPS listener\'s port (`winrm enumerate winrm/config/listener` on the host lists them)',
  http: "the WinRM service answered with an error page; check the host's Microsoft-Windows-WinRM event log",
  timeout: "the host or network is slow or dropping packets; check the host is up and not overloaded",
  fault: "the WS-Management service refused the request; see the fault text",
  protocol: "the peer does not speak WS-Man as expected; check that the port is really WinRM",
};

/** SHA-256 fingerprint of whatever certificate host:port presents (for pinning advice). */
export function probeCertificate(host: string, port: number, timeoutMs = 5000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = tlsConnect(
      { host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, rejectUnauthorized: false },
      () => {
        const fp = s.getPeerCertificate()?.fingerprint256;
        s.destroy();
        resolve(fp ? fp.replace(/:/g, "").toLowerCase() : undefined);
      },
    );
    s.setTimeout(timeoutMs, () => {
      s.destroy();
      resolve(undefined);
    });
    s.on("error", () => resolve(undefined));
  });
}

/**
 * A command's output as a PASS line can hold it: its first non-empty line, cut to `max`
 * characters, and how much more there was (a logon banner or profile script can print pages).
 */
export function outputSummary(text: string, max = 80): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length === 0) return "(no output)";
  const first = lines[0]!.length > max ? `${lines[0]!.slice(0, max - 1)}…` : lines[0]!;
  return lines.length > 1 ? `${first} (+${lines.length - 1} more lines)` : first;
}

type StepResult = { step: string; ok: boolean; detail: string; ms: number; kind?: string; next?: string };

async function testHost(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...TARGET_OPTIONS, json: { type: "boolean" } },
    usage,
  );
  const [host, ...extra] = positionals;
  if (!host || extra.length) throw new CliError(`expected one host\nusage: ${usage}`);
  const target = resolveTarget(host, values);
  const client = new WinRmClient({ ...target, commandTimeoutMs: 30_000, operationTimeoutSec: 10 });
  const results: StepResult[] = [];
  const step = async (name: string, fn: () => Promise<string>) => {
    const t0 = performance.now();
    try {
      const detail = await fn();
      results.push({ step: name, ok: true, detail, ms: Math.round(performance.now() - t0) });
      return true;
    } catch (e) {
      const kind = e instanceof WinRmError ? e.kind : "error";
      results.push({
        step: name,
        ok: false,
        detail: (e as Error).message,
        ms: Math.round(performance.now() - t0),
        kind,
        next: e instanceof WinRmError ? NEXT_STEP[e.kind] : undefined,
      });
      return false;
    }
  };
  let fingerprint: string | undefined;
  let probed = false;
  try {
    const ok = await step("connect, authenticate, open shell, run cmd", async () => {
      const r = await client.run("hostname");
      if (r.exitCode !== 0) throw new Error(`hostname exited ${r.exitCode}: ${r.stderr.trim()}`);
      return `hostname ${outputSummary(r.stdout)}`;
    });
    if (ok) {
      await step("run PowerShell", async () => {
        const r = await client.runPowerShell('"$env:COMPUTERNAME $env:USERDOMAIN\\$env:USERNAME"');
        if (r.exitCode !== 0)
          throw new Error(`powershell exited ${r.exitCode}: ${r.stderr.trim().slice(0, 200)}`);
        return `running as ${outputSummary(r.stdout)}`;
      });
    } else if (results[0]?.kind === "tls" && target.https) {
      probed = true;
      fingerprint = await probeCertificate(target.host, target.port as number);
    }
  } finally {
    await client.close().catch(() => {});
  }
  const ok = results.every((r) => r.ok);
  if (values.json) {
    io.out(
      JSON.stringify({
        target: target.label,
        ok,
        steps: results,
        ...(fingerprint ? { certificateSha256: fingerprint } : {}),
      }),
    );
  } else {
    io.out(`winrm test ${target.label}`);
    for (const r of results) {
      io.out(`  ${r.ok ? "PASS" : "FAIL"}  ${r.step} (${r.ms} ms): ${r.detail}`);
      if (r.next) io.out(`        next: ${r.next}`);
    }
    if (fingerprint) io.out(`        certificate SHA-256: ${fingerprint}`);
    else if (probed) io.out(`        no certificate could be read from ${target.host}:${target.port}`);
  }
  return ok ? EXIT.ok : EXIT.failed;
}

/** `malachor winrm test <host>`: connectivity and authentication diagnosis for a Windows host. */
export const winrmCommand = subcommandCommand({
  name: "winrm",
  summary: "diagnose WinRM connectivity and authentication to a Windows host",
  usage,
  subcommands: {
    test: testHost,
  },
});
