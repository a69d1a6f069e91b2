/**
 * A loopback OpenTimestamps calendar speaking the calendar HTTP protocol: `POST /digest` answers a
 * pending attestation naming this calendar, `GET /timestamp/<hex>` answers 404 until `mine()` puts
 * the commitments into a "block", then the tree down to a Bitcoin block header attestation.
 */
import { createHash, randomBytes } from "node:crypto";
import { addOp, newTimestamp, serializeTimestamp } from "../ots.ts";

/** A running test calendar. */
export interface TestCalendar {
  url: string;
  failing: boolean;
  /** Commitments received, hex. */
  commitments: string[];
  /** Mine every commitment so far into block `height`; returns the block's merkle root per commitment. */
  mine(height: number): Map<string, string>;
  stop(): Promise<void>;
}

/** Start the calendar on a loopback port. */
export function startTestCalendar(): TestCalendar {
  const mined = new Map<string, { height: number; prefix: Buffer }>();
  const cal: TestCalendar = {
    url: "",
    failing: false,
    commitments: [],
    mine(height) {
      const roots = new Map<string, string>();
      for (const c of cal.commitments) {
        if (!mined.has(c)) mined.set(c, { height, prefix: randomBytes(32) });
        const m = mined.get(c)!;
        roots.set(
          c,
          createHash("sha256")
            .update(Buffer.concat([m.prefix, Buffer.from(c, "hex")]))
            .digest("hex"),
        );
      }
      return roots;
    },
    async stop() {
      await server.stop(true);
    },
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      if (cal.failing) return new Response("calendar down", { status: 503 });
      const path = new URL(req.url).pathname;
      if (req.method === "POST" && path === "/digest") {
        const digest = new Uint8Array(await req.arrayBuffer());
        if (digest.length === 0 || digest.length > 64) return new Response("bad digest", { status: 400 });
        // As a real calendar does: the digest goes into the calendar's own tree via an append and SHA-256.
        const root = newTimestamp(digest);
        const c = addOp(addOp(root, { op: "append", arg: randomBytes(8) }), { op: "sha256" });
        c.attestations.push({ kind: "pending", uri: cal.url });
        cal.commitments.push(Buffer.from(c.msg).toString("hex"));
        return new Response(new Uint8Array(serializeTimestamp(root)));
      }
      const m = /^\/timestamp\/([0-9a-f]{64})$/.exec(path);
      if (req.method === "GET" && m) {
        const block = mined.get(m[1]!);
        if (!block) return new Response("Pending confirmation in Bitcoin blockchain", { status: 404 });
        const root = newTimestamp(Buffer.from(m[1]!, "hex"));
        const leaf = addOp(addOp(root, { op: "prepend", arg: block.prefix }), { op: "sha256" });
        leaf.attestations.push({ kind: "bitcoin", height: block.height });
        return new Response(new Uint8Array(serializeTimestamp(root)));
      }
      return new Response("not found", { status: 404 });
    },
  });
  cal.url = `http://127.0.0.1:${server.port}`;
  return cal;
}
