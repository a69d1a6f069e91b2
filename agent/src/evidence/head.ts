import type { Database } from "bun:sqlite";
import type { ChainHead } from "../../../protocol/evidence.ts";
import { getMeta } from "../queue/db.ts";

/** Meta key holding the chain head as {"seq","hash"}. */
export const HEAD_META = "chain.head";

/** The chain head stored in a state database (seq 0 for an empty chain); no key needed to read it. */
export function chainHead(db: Database): ChainHead {
  const raw = getMeta(db, HEAD_META);
  return raw ? (JSON.parse(raw) as ChainHead) : { seq: 0, hash: "0".repeat(64) };
}
