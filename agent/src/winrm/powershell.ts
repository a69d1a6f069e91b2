/**
 * Turning a PowerShell script into cmd.exe command lines: `powershell -EncodedCommand` (UTF-16LE,
 * base64) when it fits in one command line, else base64 pieces appended to a temp file followed by
 * a small bootstrap that decodes, deletes and runs it.
 */
import { randomBytes } from "node:crypto";

/** cmd.exe's command-line limit is 8191 characters; keep a margin. */
export const MAX_COMMAND_LINE = 8000;
const PIECE = 7000;
const POWERSHELL = "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand";

/** The -EncodedCommand argument for a script. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, "utf16le").toString("base64");
}

/** The command lines that run `script`, in order; the last one's output is the script's. */
export function powerShellCommands(script: string, id = randomBytes(6).toString("hex")): string[] {
  const direct = `${POWERSHELL} ${encodePowerShell(script)}`;
  if (direct.length <= MAX_COMMAND_LINE) return [direct];
  const b64 = Buffer.from(script, "utf8").toString("base64");
  const file = `malachor-${id}.b64`;
  const steps: string[] = [];
  for (let i = 0; i < b64.length; i += PIECE)
    steps.push(`echo ${b64.slice(i, i + PIECE)}>>"%TEMP%\\${file}"`);
  const bootstrap = [
    `$p = Join-Path $env:TEMP '${file}'`,
    `$s = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String(([IO.File]::ReadAllText($p) -replace '\\s', '')))`,
    "Remove-Item -LiteralPath $p -Force",
    "& ([ScriptBlock]::Create($s))",
  ].join("\n");
  steps.push(`${POWERSHELL} ${encodePowerShell(bootstrap)}`);
  return steps;
}
