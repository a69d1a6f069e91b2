import { hipaaControl } from "../../../protocol/hipaa.ts";
import type { RunbookParam, RunbookSpec } from "../../../protocol/runbook.ts";

/** One line describing a parameter and its bounds, as people and LLMs read it. */
export function describeParam(p: RunbookParam): string {
  if (p.type === "integer") return `${p.name}: integer ${p.min}–${p.max} (default ${p.default})`;
  if (p.type === "boolean") return `${p.name}: true/false (default ${p.default})`;
  if (p.type === "enum") return `${p.name}: one of ${p.values.join(", ")} (default ${p.default})`;
  return `${p.name}: string matching ${p.pattern}, ≤ ${p.maxLength} chars (default "${p.default}")`;
}

/**
 * A runbook's documentation in Markdown, rendered from its spec and scripts: what it detects,
 * remediates and verifies, the HIPAA controls it supports, its parameters with their bounds, and
 * the exact scripts that run.
 */
export function runbookDocumentation(
  spec: RunbookSpec,
  scripts: Readonly<Record<string, string>> = {},
): string {
  const lang = spec.platform === "windows" ? "powershell" : "sh";
  const lines = [
    `# ${spec.title} (\`${spec.id}\`)`,
    "",
    spec.description,
    "",
    `- Platform: ${spec.platform}; fixes check \`${spec.checkId}\`; severity ${spec.severity}`,
    `- Blast radius: ${spec.blastRadius}; rollback: ${spec.rollback ? "yes, when verify fails" : "no"}`,
    "",
    "## Detects",
    spec.detects,
    "",
    "## Remediates",
    spec.remediates,
    "",
    "## Verifies",
    spec.verifies,
    "",
    "## HIPAA Security Rule",
    ...spec.citations.map((c) => `- ${c} ${hipaaControl(c)?.title ?? ""}`.trimEnd()),
    "",
    "## Parameters",
    ...(spec.params.length === 0
      ? ["None."]
      : spec.params.map((p) => `- ${describeParam(p)}. ${p.description}`)),
  ];
  for (const [name, text] of Object.entries(scripts)) {
    lines.push("", `## ${name}`, "", `\`\`\`${lang}`, text.trimEnd(), "```");
  }
  return `${lines.join("\n")}\n`;
}
