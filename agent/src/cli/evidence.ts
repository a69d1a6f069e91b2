import { existsSync, readFileSync } from "node:fs";
import { parseJsonl, verifyChain } from "../../../protocol/chain.ts";
import { decodeUtf8Strict } from "../../../protocol/strict-json.ts";
import { parseCommandArgs, subcommandCommand } from "./args.ts";
import { CliError, type Command, EXIT } from "./command.ts";

const usage = "malachor evidence verify <file.jsonl> --pubkey <hex|file> [--json]";

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
    { pubkey: { type: "string" }, json: { type: "boolean" } },
    usage,
  );
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new CliError(`expected exactly one evidence file\nusage: ${usage}`);
  if (!values.pubkey) throw new CliError(`--pubkey is required\nusage: ${usage}`);
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
  const result = verifyChain(parsed.items, keys);
  if (values.json) {
    io.out(JSON.stringify(result));
  } else if (result.ok) {
    const heads = Object.entries(result.heads).map(
      ([id, h]) => `${id} at #${h.seq} (head ${h.hash.slice(0, 16)}…)`,
    );
    io.out(`OK: ${result.count} bundles verified${heads.length ? `; ${heads.join(", ")}` : ""}`);
  } else {
    io.err(`BROKEN (${result.kind}): ${result.message}`);
  }
  return result.ok ? EXIT.ok : EXIT.failed;
}

/** `malachor evidence verify`: check a JSONL chain export against trusted public keys. */
export const evidenceCommand = subcommandCommand({
  name: "evidence",
  summary: "verify an exported evidence chain (JSONL) against public keys",
  usage,
  subcommands: {
    verify: verifyCommand,
  },
});
