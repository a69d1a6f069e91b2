import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { isChainHeadLine } from "../../../protocol/chain-heads.ts";
import type { CloudProcess } from "./cloud.ts";

/** What the cloud's chain verify endpoint answers. */
export interface ChainVerdict {
  ok: boolean;
  count: number;
  heads?: Record<string, { seq: number; hash: string }>;
  kind?: string;
  message?: string;
}

/** The cloud's own re-verification of a site's stored chain. */
export function cloudVerify(cloud: CloudProcess, siteId: string): Promise<ChainVerdict> {
  return cloud.api<ChainVerdict>("GET", `/api/sites/${siteId}/evidence/verify`);
}

/**
 * Export the site's chain and its appliance keys from the cloud, then check them independently
 * with the compiled `malachor evidence verify` (what an auditor would run).
 */
export async function verifyExport(
  cloud: CloudProcess,
  siteId: string,
  bin: string,
  dir: string,
): Promise<{ code: number; out: string; lines: string[] }> {
  const jsonl = await cloud.text(`/api/sites/${siteId}/evidence/export`);
  const keys = await cloud.text(`/api/sites/${siteId}/keys?format=text`);
  const chainFile = join(dir, `${siteId}-export.jsonl`);
  const keyFile = join(dir, `${siteId}-keys.txt`);
  writeFileSync(chainFile, jsonl);
  writeFileSync(keyFile, keys);
  const p = Bun.spawnSync([bin, "evidence", "verify", chainFile, "--pubkey", keyFile], {
    stdout: "pipe",
    stderr: "pipe",
  });
  return {
    code: p.exitCode,
    out: `${p.stdout.toString()}${p.stderr.toString()}`.trim(),
    // The bundles only: the signed chain heads that end the export are not bundles.
    lines: jsonl.split("\n").filter((l) => l && !isChainHeadLine(JSON.parse(l))),
  };
}
