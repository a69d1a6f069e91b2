/**
 * Recovery keys produced outside the daemon (`malachor runbook run`) wait in
 * <state_dir>/escrow-pending/ (files mode 0600, never printed) until the daemon delivers them to
 * the cloud's escrow; a delivered file is deleted.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { KeyEscrow } from "../../../protocol/ingest.ts";
import { writeSecretFile } from "../config/secret.ts";

const DIR = "escrow-pending";

/** Keep keys for later delivery; returns the files written. */
export function savePendingEscrow(stateDir: string, keys: readonly KeyEscrow[]): string[] {
  const dir = join(stateDir, DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return keys.map((key) => {
    const file = join(
      dir,
      `${key.host}-${key.volume.replace(":", "")}-${key.protectorId.replace(/[{}]/g, "")}.json`,
    );
    writeSecretFile(file, `${JSON.stringify(key)}\n`);
    return file;
  });
}

/**
 * Offer every pending key to `deliver` (true = the cloud has it); delivered files are removed.
 * Returns how many were delivered and the files that are not valid KeyEscrow JSON (left alone).
 */
export async function flushPendingEscrow(
  stateDir: string,
  deliver: (key: KeyEscrow) => Promise<boolean>,
): Promise<{ delivered: number; invalid: string[] }> {
  const dir = join(stateDir, DIR);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return { delivered: 0, invalid: [] };
  }
  let delivered = 0;
  const invalid: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let key: KeyEscrow;
    try {
      key = v.parse(KeyEscrow, JSON.parse(readFileSync(file, "utf8")));
    } catch {
      invalid.push(file);
      continue;
    }
    if (await deliver(key)) {
      rmSync(file, { force: true });
      delivered++;
    }
  }
  return { delivered, invalid };
}
