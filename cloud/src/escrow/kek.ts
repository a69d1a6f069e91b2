import { readFileSync, statSync } from "node:fs";
import { sha256Hex } from "../../../protocol/hash.ts";

/** The key-encryption key that wraps each escrow record's data key. */
export interface Kek {
  /** First 16 hex of the KEK's SHA-256: stored per record so a rotated KEK can still be found. */
  id: string;
  key: Buffer;
}

/** Escrow is not (correctly) configured; the message says which variable to set. */
export class EscrowConfigError extends Error {
  override name = "EscrowConfigError";
}

function fromHex(hex: string, where: string): Kek {
  const h = hex.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(h))
    throw new EscrowConfigError(`${where}: expected 64 hex characters (a 256-bit key)`);
  const key = Buffer.from(h, "hex");
  return { id: sha256Hex(key).slice(0, 16), key };
}

/**
 * The escrow KEK from the environment: ESCROW_KEK_FILE (a file holding 64 hex characters, mode
 * 0600; preferred, e.g. a mounted secret) or ESCROW_KEK (64 hex). Recovery keys are never stored
 * without one, so there is deliberately no generated default.
 */
export function loadEscrowKek(env: Record<string, string | undefined>): Kek {
  const file = env.ESCROW_KEK_FILE;
  if (file) {
    let mode: number;
    try {
      mode = statSync(file).mode;
    } catch (e) {
      throw new EscrowConfigError(`ESCROW_KEK_FILE ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    if ((mode & 0o077) !== 0) {
      throw new EscrowConfigError(
        `ESCROW_KEK_FILE ${file}: mode ${(mode & 0o777).toString(8)} lets other users read it; run: chmod 600 ${file}`,
      );
    }
    return fromHex(readFileSync(file, "utf8"), `ESCROW_KEK_FILE ${file}`);
  }
  if (env.ESCROW_KEK) return fromHex(env.ESCROW_KEK, "ESCROW_KEK");
  throw new EscrowConfigError(
    "key escrow is not configured: set ESCROW_KEK_FILE (a 0600 file with 64 hex characters) or ESCROW_KEK",
  );
}
