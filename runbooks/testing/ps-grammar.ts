/**
 * The PowerShell gate every runbook and check script passes in the tests: parsed with the
 * tree-sitter PowerShell grammar (WASM, `tree-sitter-powershell` + `web-tree-sitter`), it must have
 * no syntax error outside the grammar's known gaps, and a lint over the tree refuses aliases,
 * Invoke-Expression on anything but a literal, dynamic `&` calls, and commands outside the in-box
 * Windows PowerShell 5.1 modules listed in ALLOWED_COMMANDS.
 */
import { createRequire } from "node:module";
import { Language, type Node, Parser } from "web-tree-sitter";

/**
 * Valid PowerShell the grammar (tree-sitter-powershell 0.26.4) misreads as ERROR nodes. Before
 * parsing, each gap's construct is rewritten into an equivalent the grammar reads (same lines), so
 * every other error still shows. The test proves each example is still rejected as written (a
 * fixed gap leaves the list), reads cleanly once rewritten, and parses in the test host.
 */
export const GRAMMAR_GAPS: readonly { name: string; example: string; rewrite: (s: string) => string }[] = [
  {
    name: "numeric multiplier as an operand",
    example: "$bytes = 2 * 1KB",
    rewrite: (s) => s.replace(/\b(\d+)(KB|MB|GB|TB|PB)\b/gi, "$1"),
  },
  {
    name: "comma-separated bare-word arguments",
    example: "Get-NetFirewallProfile -Profile Domain, Private, Public",
    rewrite: (s) =>
      s.replace(
        /(\s-[A-Za-z]+\s+)([A-Za-z]\w*(?:[ \t]*,[ \t]*[A-Za-z]\w*)+)/g,
        (_all, head: string, list: string) => head + list.replace(/[A-Za-z]\w*/g, (w) => `'${w}'`),
      ),
  },
  {
    name: "parameter name containing a digit",
    example: "Set-SmbServerConfiguration -EnableSMB1Protocol $false -Force",
    rewrite: (s) =>
      s.replace(
        /(\s-[A-Za-z]+)(\d+)(?=\w*)/g,
        (_all, head: string, digits: string) => head + "x".repeat(digits.length),
      ),
  },
];

/** The script with every known grammar gap rewritten (line structure kept). */
export function withoutGaps(text: string): string {
  return GRAMMAR_GAPS.reduce((s, g) => g.rewrite(s), text);
}

/**
 * Cmdlets and programs scripts may call, by the module that ships them. All are in-box in Windows
 * PowerShell 5.1 on Windows 10/11 and Server 2016+; ActiveDirectory is present on every domain
 * controller (the AD DS role installs it) and WindowsServerBackup with the Windows Server Backup
 * feature, so checks that use them run on those roles only.
 */
export const ALLOWED_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  "Microsoft.PowerShell.Core": ["ForEach-Object", "Where-Object", "Out-Null", "Out-String"],
  "Microsoft.PowerShell.Utility": [
    "ConvertTo-Json",
    "ConvertFrom-Json",
    "ConvertFrom-Csv",
    "Get-Date",
    "Measure-Object",
    "Select-Object",
    "Sort-Object",
    "Write-Output",
    "Write-Error",
    "Write-Warning",
    "Select-Xml",
  ],
  "Microsoft.PowerShell.Management": [
    "Get-Service",
    "Set-Service",
    "Start-Service",
    "Stop-Service",
    "Get-Item",
    "Get-ChildItem",
    "Get-ItemProperty",
    "Get-ItemPropertyValue",
    "Set-ItemProperty",
    "New-ItemProperty",
    "Remove-ItemProperty",
    "New-Item",
    "Remove-Item",
    "Test-Path",
    "Join-Path",
    "Get-Content",
    "Set-Content",
    "Add-Content",
    "Get-EventLog",
    "Limit-EventLog",
    "Get-HotFix",
    "Get-CimInstance",
    "Invoke-CimMethod",
  ],
  "Microsoft.PowerShell.Diagnostics": ["Get-WinEvent"],
  "Microsoft.PowerShell.LocalAccounts": [
    "Get-LocalUser",
    "Enable-LocalUser",
    "Disable-LocalUser",
    "Get-LocalGroupMember",
    "Remove-LocalGroupMember",
    "Add-LocalGroupMember",
  ],
  CimCmdlets: ["Get-CimInstance", "Invoke-CimMethod", "Remove-CimInstance"],
  NetSecurity: [
    "Get-NetFirewallPortFilter",
    "Get-NetFirewallProfile",
    "Set-NetFirewallProfile",
    "Get-NetFirewallRule",
    "Set-NetFirewallRule",
  ],
  Defender: [
    "Get-MpComputerStatus",
    "Get-MpPreference",
    "Set-MpPreference",
    "Remove-MpPreference",
    "Update-MpSignature",
  ],
  BitLocker: [
    "Get-BitLockerVolume",
    "Enable-BitLocker",
    "Disable-BitLocker",
    "Add-BitLockerKeyProtector",
    "Remove-BitLockerKeyProtector",
    "Backup-BitLockerKeyProtector",
    "Enable-BitLockerAutoUnlock",
  ],
  SmbShare: [
    "Get-SmbServerConfiguration",
    "Set-SmbServerConfiguration",
    "Get-SmbClientConfiguration",
    "Set-SmbClientConfiguration",
  ],
  ScheduledTasks: ["Get-ScheduledTask", "Disable-ScheduledTask", "Enable-ScheduledTask"],
  Storage: ["Get-Volume"],
  ActiveDirectory: [
    "Get-ADDefaultDomainPasswordPolicy",
    "Set-ADDefaultDomainPasswordPolicy",
    "Get-ADUser",
    "Get-ADGroupMember",
    "Get-ADComputer",
    "Disable-ADAccount",
    "Enable-ADAccount",
  ],
  WindowsServerBackup: ["Get-WBSummary"],
  "native programs": ["auditpol", "net", "wbadmin", "usoclient", "hostname", "whoami"],
};

/** Aliases refused in scripts (a script names the full cmdlet). */
const ALIASES = new Set(
  "? % where select sort echo measure foreach gci ls dir cat type gc sc ac iex icm gwmi gcim ft fl gsv sasv spsv gp sp ni ri rm del cp copy mv move cd pwd cls clear h r gm gu group tee write sls curl wget irm iwr".split(
    " ",
  ),
);

const allowed = new Map<string, string>();
for (const [module, names] of Object.entries(ALLOWED_COMMANDS))
  for (const n of names) allowed.set(n.toLowerCase(), module);

/** One problem in one script. */
export interface ScriptProblem {
  line: number;
  message: string;
}

let parser: Parser | undefined;

/** The grammar, loaded once (WASM from the tree-sitter-powershell package). */
export async function powerShellParser(): Promise<Parser> {
  if (parser) return parser;
  await Parser.init();
  const wasm = createRequire(import.meta.url).resolve("tree-sitter-powershell/tree-sitter-powershell.wasm");
  const p = new Parser();
  p.setLanguage(await Language.load(wasm));
  parser = p;
  return p;
}

function walk(n: Node, visit: (n: Node) => void): void {
  visit(n);
  for (const c of n.children) if (c) walk(c, visit);
}

/** Syntax errors the grammar reports once the known gaps are rewritten. */
export function syntaxErrors(p: Parser, text: string): ScriptProblem[] {
  const tree = p.parse(withoutGaps(text));
  if (!tree) return [{ line: 1, message: "the grammar could not parse the script" }];
  const out: ScriptProblem[] = [];
  walk(tree.rootNode, (n) => {
    if (!n.isError && !n.isMissing) return;
    out.push({
      line: n.startPosition.row + 1,
      message: `syntax error${n.isMissing ? ` (missing ${n.type})` : ""} near "${n.text.slice(0, 60)}"`,
    });
  });
  tree.delete();
  return out;
}

/** Lint findings over the tree: aliases, Invoke-Expression on input, unknown commands. */
export function lintScript(p: Parser, text: string): ScriptProblem[] {
  const tree = p.parse(withoutGaps(text));
  if (!tree) return [];
  const out: ScriptProblem[] = [];
  walk(tree.rootNode, (n) => {
    if (n.type !== "command") return;
    const line = n.startPosition.row + 1;
    const nameNode = n.childForFieldName("command_name");
    if (!nameNode) return;
    if (nameNode.type !== "command_name") {
      // `& { … }` runs a literal script block; `& $x` or `& (…)` runs whatever a value holds.
      if (!/^\{/.test(nameNode.text))
        out.push({ line, message: `dynamic invocation "${n.text.slice(0, 60)}" is refused` });
      return;
    }
    const name = nameNode.text;
    const lower = name.toLowerCase().replace(/\.exe$/, "");
    if (lower === "invoke-expression" || lower === "iex") {
      const args = n.childForFieldName("command_elements")?.text ?? "";
      if (/[$@(]/.test(args) || lower === "iex")
        out.push({
          line,
          message: `Invoke-Expression on a computed value is refused: "${n.text.slice(0, 60)}"`,
        });
      return;
    }
    if (ALIASES.has(lower)) {
      out.push({ line, message: `alias "${name}" is refused: name the cmdlet` });
      return;
    }
    if (!allowed.has(lower))
      out.push({
        line,
        message: `"${name}" is not in the allowed in-box Windows PowerShell 5.1 commands (runbooks/testing/ps-grammar.ts)`,
      });
  });
  tree.delete();
  return out;
}
