/**
 * BitLocker recovery keys leave runbook output under `details.escrow` (an object or a list).
 * The agent sends them to the cloud (POST /agent/escrow, stored encrypted) and they are removed
 * from details before anything is logged or written to evidence.
 */
import * as v from "valibot";
import type { JsonObject } from "../../../protocol/common.ts";
import { KeyEscrow } from "../../../protocol/ingest.ts";

/** Split escrow material out of `details`. Invalid entries are dropped (never echoed) and counted. */
export function extractEscrow(
  details: JsonObject,
  host: string,
): { details: JsonObject; escrow: KeyEscrow[]; invalid: number } {
  if (!("escrow" in details)) return { details, escrow: [], invalid: 0 };
  const { escrow: raw, ...rest } = details;
  const items = Array.isArray(raw) ? raw : [raw];
  const escrow: KeyEscrow[] = [];
  let invalid = 0;
  for (const item of items) {
    const r = v.safeParse(KeyEscrow, {
      host,
      ...(typeof item === "object" && item !== null && !Array.isArray(item) ? item : {}),
    });
    if (r.success) escrow.push(r.output);
    else invalid++;
  }
  return { details: rest, escrow, invalid };
}
