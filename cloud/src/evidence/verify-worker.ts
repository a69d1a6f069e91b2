/// <reference lib="webworker" />
/**
 * Worker half of the parallel chain verifier: verifies one contiguous chunk of stored bundles
 * (their stored canonical texts) with the protocol's own verifyChain, continuing from the heads it
 * is given; the texts are hashed as stored rather than canonicalised again.
 */
import { type ChainStarts, verifyChain } from "../../../protocol/chain.ts";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ id: number; bodies: string[]; keys: string[]; starts: ChainStarts }>) => {
  const { id, bodies, keys, starts } = e.data;
  const items = bodies.map((b) => JSON.parse(b) as unknown);
  self.postMessage({ id, result: verifyChain(items, keys, { starts, canonicalTexts: bodies }) });
};
