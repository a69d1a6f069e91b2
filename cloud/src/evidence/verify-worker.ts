/// <reference lib="webworker" />
/**
 * Worker half of the parallel chain verifier: verifies one contiguous chunk of stored bundles
 * (their stored canonical texts) continuing from the heads it is given.
 */
import type { ChainStarts } from "../../../protocol/chain.ts";
import { verifyStoredChain } from "./verify-stored.ts";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ id: number; bodies: string[]; keys: string[]; starts: ChainStarts }>) => {
  const { id, bodies, keys, starts } = e.data;
  self.postMessage({ id, result: verifyStoredChain(bodies, keys, starts) });
};
