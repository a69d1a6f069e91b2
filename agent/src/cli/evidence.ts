import { existsSync, readFileSync } from "node:fs";
import { parseJsonl } from "../../../protocol/chain.ts";
import { type ExportVerdict, splitExport, verifyChainExport } from "../../../protocol/chain-export.ts";
import type { EvidenceBundle } from "../../../protocol/evidence.ts";
import { floorNote, verifiedFrom } from "../../../protocol/retention-floor.ts";
import { computeScore } from "../../../protocol/score.ts";
import { rebuildStateAt, verifyStateChain } from "../../../protocol/state.ts";
import { decodeUtf8Strict } from "../../../protocol/strict-json.ts";
import { parseCommandArgs, subcommandCommand } from "./args.ts";
import { CliError, type Command, EXIT } from "./command.ts";
import { kitCommand, kitUsage } from "./evidence-kit.ts";
import { alarmCommand, alarmUsage, exportCommand, exportUsage } from "./evidence-local.ts";
import { proveCommand, proveUsage } from "./prove.ts";
import { verifyProofCommand, verifyProofUsage } from "./verify-proof.ts";

const verifyUsage = "malachor evidence verify <file.jsonl> --pubkey <hex|file> [--at <ISO time>] [--json]";
const usage = `${verifyUsage}\n${verifyProofUsage}\n${proveUsage}\n${kitUsage}\n${exportUsage}\n${alarmUsage}`;

/** Trusted keys from `--pubkey`: 64-hex keys given inline (comma-separated) or in a file, one per line. */
export function readPublicKeys(arg: string): string[] {
  const inline = arg.split(",").map((s) => s.trim().toLowerCase());
  if (inline.every((k) => /^[0-9a-f]{64}$/.test(k))) return inline;
  if (!existsSync(arg)) {
    throw new CliError(`--pubkey: "${arg}" is neither a 64-hex public key nor a readable file`);
  }
  const keys = readFileSync(arg, "utf8")
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean)
    .map((l) => l.split(/\s+/).pop()!.toLowerCase());
  const bad = keys.find((k) => !/^[0-9a-f]{64}$/.test(k));
  if (keys.length === 0 || bad !== undefined) {
    throw new CliError(
      `--pubkey file ${arg}: expected one 64-hex public key per line${bad ? `, found "${bad.slice(0, 20)}"` : ""}`,
    );
  }
  return keys;
}

async function verifyCommand(args: string[], io: Parameters<Command["run"]>[1]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { pubkey: { type: "string" }, at: { type: "string" }, json: { type: "boolean" } },
    verifyUsage,
  );
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0)
    throw new CliError(`expected exactly one evidence file\nusage: ${verifyUsage}`);
  if (!values.pubkey) throw new CliError(`--pubkey is required\nusage: ${verifyUsage}`);
  const keys = readPublicKeys(values.pubkey);
  if (!existsSync(file)) throw new CliError(`${file}: no such file`, EXIT.environment);
  let text: string;
  try {
    text = decodeUtf8Strict(readFileSync(file));
  } catch {
    throw new CliError(`${file}: not a UTF-8 text file`, EXIT.failed);
  }
  const parsed = parseJsonl(text);
  if (!parsed.ok) throw new CliError(`${file}: ${parsed.message}`, EXIT.failed);
  const at = values.at === undefined ? undefined : new Date(values.at);
  if (at && Number.isNaN(at.getTime())) throw new CliError(`--at: "${values.at}" is not an ISO date/time`);
  // Retention floors lead an export and signed chain heads end it: where each chain starts, and
  // how far it must reach.
  const result = verifyChainExport(parsed.items, keys);
  // The chain's verdict stands alone; --at then rebuilds each appliance's state at that moment
  // from its signed snapshots and changes, checking every state digest on the way.
  if (result.ok && at)
    return statesAt(
      splitExport(parsed.items).bundles as EvidenceBundle[],
      at.toISOString(),
      values.json === true,
      io,
    );
  if (values.json) {
    io.out(JSON.stringify(result));
  } else if (result.ok) {
    io.out(okLine(result));
    for (const h of result.complete)
      io.out(
        `complete for appliance ${h.applianceId} up to sequence ${h.seq}, signed by ${h.applianceId} at ${h.at}`,
      );
  } else {
    io.err(`BROKEN (${result.kind}): ${result.message}`);
  }
  return result.ok ? EXIT.ok : EXIT.failed;
}

/** "OK: n bundles verified; app at #k (head …), verified from #j (bundles #1–#j−1 dropped …), …". */
function okLine(result: Extract<ExportVerdict, { ok: true }>): string {
  const floors = new Map((result.floors ?? []).map((f) => [f.applianceId, f]));
  const from = (id: string) => {
    const f = floors.get(id);
    return f ? `, ${verifiedFrom(f)}` : "";
  };
  const tips = Object.entries(result.heads).map(
    ([id, h]) => `${id} at #${h.seq} (head ${h.hash.slice(0, 16)}…)${from(id)}`,
  );
  // An appliance whose every stored bundle was dropped still says where its chain will continue.
  for (const f of floors.values())
    if (!Object.hasOwn(result.heads, f.applianceId))
      tips.push(`${f.applianceId}: no bundle retained (${floorNote(f)})`);
  return `OK: ${result.count} bundles verified${tips.length ? `; ${tips.join(", ")}` : ""}`;
}

function statesAt(
  bundles: EvidenceBundle[],
  at: string,
  json: boolean,
  io: Parameters<Command["run"]>[1],
): number {
  const byAppliance = Map.groupBy(bundles, (b) => b.applianceId);
  const states = [...byAppliance].map(([applianceId, chain]) => {
    const checked = verifyStateChain(chain);
    if (!checked.ok) return { applianceId, ok: false as const, message: checked.message };
    const r = rebuildStateAt(chain, at);
    if (!r) return { applianceId, ok: false as const, message: `no state snapshot at or before ${at}` };
    const findings = [...r.state.values()];
    return {
      applianceId,
      ok: true as const,
      seq: r.seq,
      digest: r.digest,
      findings,
      score: computeScore(findings).score,
    };
  });
  if (json) io.out(JSON.stringify({ ok: true, at, states }));
  for (const s of json ? [] : states) {
    if (s.ok)
      io.out(
        `${s.applianceId} at ${at}: ${s.findings.length} findings as of #${s.seq} (state ${s.digest.slice(0, 16)}…), score ${s.score ?? "n/a"}`,
      );
    else io.err(`${s.applianceId}: ${s.message}`);
  }
  // A digest that does not match is broken evidence; a moment before any snapshot is only unknown.
  return states.some((s) => !s.ok && !s.message.startsWith("no state snapshot")) ? EXIT.failed : EXIT.ok;
}

/**
 * `malachor evidence verify | verify-proof | prove | kit | export | alarm`: check a chain export or a
 * log proof; fetch a proof or a site's auditor's kit from the cloud; export the appliance's own copy;
 * show or clear the alarm on the cloud's log.
 */
export const evidenceCommand = subcommandCommand({
  name: "evidence",
  summary:
    "verify an exported evidence chain (JSONL) against public keys, or a transparency-log proof; download an auditor's kit; export the appliance's own chains; the cloud-log alarm",
  usage,
  subcommands: {
    verify: verifyCommand,
    "verify-proof": verifyProofCommand,
    prove: proveCommand,
    kit: (args, io) => kitCommand.run(args, io),
    export: (args, io) => exportCommand.run(args, io),
    alarm: (args, io) => alarmCommand.run(args, io),
  },
});
