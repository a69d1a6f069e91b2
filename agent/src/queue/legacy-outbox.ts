/**
 * Earlier versions kept messages for the cloud beside the queue: the healer's pending posts (a
 * `cloud.pending-posts` row in heal_state: recovery keys and L2 plan outcomes) and the recovery
 * keys `malachor runbook run` left in <state_dir>/escrow-pending/*.json. Start-up moves them into
 * the queue once (enqueue first, then remove the old copy: a crash in between only re-enqueues
 * the same idempotency key), so an upgrade loses none of them.
 */
import type { Database } from "bun:sqlite";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { AGENT_API } from "../../../protocol/api.ts";
import { KeyEscrow } from "../../../protocol/ingest.ts";
import { PlanOutcome } from "../../../protocol/plan.ts";
import { enqueueEscrow, enqueuePlanOutcome } from "../cloud-client/uploader.ts";
import type { Queue } from "./queue.ts";

const PENDING_POSTS = "cloud.pending-posts";
const ESCROW_DIR = "escrow-pending";
const Post = v.object({ path: v.string(), body: v.unknown() });
const OUTCOME_PATH = /^\/agent\/plan\/([^/]+)\/outcome$/;

/** What was moved, and what could not be read (left where it was, for a person to look at). */
export interface LegacyAdoption {
  adopted: number;
  unreadable: string[];
}

// One pending post into the queue; false when it is not a message this agent knows.
function adoptPost(queue: Queue, raw: unknown): boolean {
  const post = v.safeParse(Post, raw);
  if (!post.success) return false;
  const { path, body } = post.output;
  if (path === AGENT_API.escrow && v.is(KeyEscrow, body)) {
    enqueueEscrow(queue, [body]);
    return true;
  }
  const planId = OUTCOME_PATH.exec(path)?.[1];
  if (planId && v.is(PlanOutcome, body)) {
    enqueuePlanOutcome(queue, decodeURIComponent(planId), body);
    return true;
  }
  return false;
}

function parseArray(text: string): unknown[] | null {
  try {
    const p = JSON.parse(text) as unknown;
    return Array.isArray(p) ? p : null;
  } catch {
    return null;
  }
}

/** Move the legacy outboxes of this state database and directory into the queue. */
export function adoptLegacyOutbox(db: Database, queue: Queue, stateDir: string): LegacyAdoption {
  const out: LegacyAdoption = { adopted: 0, unreadable: [] };
  const hasTable = db
    .query<{ n: number }, []>(
      "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'heal_state'",
    )
    .get();
  const row = hasTable?.n
    ? db.query<{ value: string }, [string]>("SELECT value FROM heal_state WHERE name = ?").get(PENDING_POSTS)
    : null;
  const posts = row ? parseArray(row.value) : null;
  if (row && !posts) out.unreadable.push(`heal_state ${PENDING_POSTS} (not a JSON list)`);
  if (posts) {
    const left = posts.filter((p) => !adoptPost(queue, p));
    out.adopted += posts.length - left.length;
    if (left.length) {
      db.query("UPDATE heal_state SET value = ? WHERE name = ?").run(JSON.stringify(left), PENDING_POSTS);
      out.unreadable.push(`heal_state ${PENDING_POSTS} (${left.length} entries)`);
    } else db.query("DELETE FROM heal_state WHERE name = ?").run(PENDING_POSTS);
  }
  const dir = join(stateDir, ESCROW_DIR);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    // no legacy folder: nothing to adopt
  }
  for (const name of names) {
    const file = join(dir, name);
    let key: KeyEscrow;
    try {
      key = v.parse(KeyEscrow, JSON.parse(readFileSync(file, "utf8")));
    } catch {
      out.unreadable.push(file);
      continue;
    }
    enqueueEscrow(queue, [key]);
    rmSync(file, { force: true });
    out.adopted++;
  }
  return out;
}
