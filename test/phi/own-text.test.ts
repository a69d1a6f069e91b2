/**
 * Precision on the product's own words: the scrubber runs over every finding, log line, receipt and
 * incident the appliance writes (agent/src/daemon/daemon.ts, agent/src/heal/receipt.ts,
 * lib/incident.ts), so the texts the product itself puts there — check ids, titles and descriptions,
 * runbook texts, the plain-language explanations — must come through unchanged. A name rule that
 * starts eating these is a regression however well it scores on the corpora.
 */
import { describe, expect, test } from "bun:test";
import { LINUX_CHECKS } from "../../agent/src/checks/linux/index.ts";
import { MACOS_CHECKS } from "../../agent/src/checks/macos/index.ts";
import { scrubText } from "../../lib/phi/scrub.ts";
import { explainCheck, problemTitle } from "../../runbooks/explain.ts";
import { RUNBOOK_SPECS, WINDOWS_CHECKS } from "../../runbooks/index.ts";

/** Every text of the catalogues that rides in evidence, incidents or logs, with where it comes from. */
function ownTexts(): [where: string, text: string][] {
  const out: [string, string][] = [];
  const checks = [
    ...WINDOWS_CHECKS.map((c) => ({ ...c, more: [c.description, c.monitorOnly ?? ""] })),
    ...[...LINUX_CHECKS, ...MACOS_CHECKS].map((c) => ({ ...c, more: [] as string[] })),
  ];
  for (const c of checks) {
    for (const t of [c.id, c.title, ...c.more].filter(Boolean)) out.push([`check ${c.id}`, t]);
    const e = explainCheck({ checkId: c.id, title: c.title, citations: [...c.citations] });
    for (const t of [e.topic, e.why, e.problem]) out.push([`explanation of ${c.id}`, t]);
    out.push([
      `incident title of ${c.id}`,
      problemTitle({ checkId: c.id, title: c.title, citations: [...c.citations] }, "FRONTDESK-2"),
    ]);
  }
  for (const r of RUNBOOK_SPECS) {
    for (const t of [r.id, r.title, r.description, r.detects, r.remediates, r.verifies])
      out.push([`runbook ${r.id}`, t]);
  }
  return out;
}

describe("the scrubber keeps the product's own words", () => {
  test("every check and runbook text comes through unchanged", () => {
    const texts = ownTexts();
    expect(texts.length).toBeGreaterThan(300);
    const changed = texts
      .map(([where, text]) => ({ where, text, scrubbed: scrubText(text) }))
      .filter((x) => x.scrubbed !== x.text);
    expect(changed).toEqual([]);
  });
});
