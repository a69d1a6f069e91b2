/**
 * Browser sessions, kept in the database (web_sessions) so any cloud instance can serve any
 * request. The cookie carries 256 random bits; only their SHA-256 is stored. A session dies after
 * 15 idle minutes, 12 hours after sign-in, at sign-out, or when its admin token is revoked.
 */
import { randomBytes } from "node:crypto";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { hashSecret } from "../../auth/secrets.ts";
import type { Clock } from "../../clock.ts";
import type { Db } from "../../db/client.ts";
import { magicLinks, type WebSessionRow, webSessions } from "../../db/schema/web.ts";

/** Idle timeout (HIPAA automatic logoff, §164.312(a)(2)(iii)). */
export const SESSION_IDLE_SEC = 15 * 60;
/** Absolute lifetime of a session, however active. */
export const SESSION_MAX_SEC = 12 * 3600;
/** last_seen_at is written at most this often, to spare the database a write per page view. */
const TOUCH_EVERY_SEC = 30;

/** What a session is bound to. */
export type SessionSubject =
  | { kind: "admin"; adminTokenId: string }
  | { kind: "portal"; portalUserId: string; siteId: string };

/** A fresh session: the cookie value (secret, never stored) and the CSRF token for its forms. */
export interface NewSession {
  cookie: string;
  csrf: string;
}

/** Create a session for `subject`. */
export async function createSession(db: Db, clock: Clock, subject: SessionSubject): Promise<NewSession> {
  const cookie = randomBytes(32).toString("base64url");
  const csrf = randomBytes(24).toString("base64url");
  const now = clock.now();
  await db.insert(webSessions).values({
    idHash: hashSecret(cookie),
    kind: subject.kind,
    adminTokenId: subject.kind === "admin" ? subject.adminTokenId : null,
    portalUserId: subject.kind === "portal" ? subject.portalUserId : null,
    siteId: subject.kind === "portal" ? subject.siteId : null,
    csrf,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_MAX_SEC * 1000),
  });
  return { cookie, csrf };
}

/** Why a cookie did not yield a session (shown on the sign-in page). */
export type SessionMiss = "none" | "idle" | "expired";

/**
 * The live session of `kind` for a cookie value, refreshing its idle clock; or why there is none.
 * An idle or expired session is revoked on the spot so it can never come back.
 */
export async function loadSession(
  db: Db,
  clock: Clock,
  cookie: string | undefined,
  kind: SessionSubject["kind"],
): Promise<{ ok: true; session: WebSessionRow } | { ok: false; why: SessionMiss }> {
  if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return { ok: false, why: "none" };
  const idHash = hashSecret(cookie);
  const [row] = await db
    .select()
    .from(webSessions)
    .where(and(eq(webSessions.idHash, idHash), eq(webSessions.kind, kind), isNull(webSessions.revokedAt)));
  if (!row) return { ok: false, why: "none" };
  const now = clock.now();
  const idle = now.getTime() - row.lastSeenAt.getTime() > SESSION_IDLE_SEC * 1000;
  const expired = now >= row.expiresAt;
  if (idle || expired) {
    await revokeSession(db, clock, cookie);
    return { ok: false, why: expired ? "expired" : "idle" };
  }
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_SEC * 1000) {
    await db.update(webSessions).set({ lastSeenAt: now }).where(eq(webSessions.idHash, idHash));
  }
  return { ok: true, session: row };
}

/** End a session (sign-out). Unknown cookies are ignored. */
export async function revokeSession(db: Db, clock: Clock, cookie: string): Promise<void> {
  await db
    .update(webSessions)
    .set({ revokedAt: clock.now() })
    .where(and(eq(webSessions.idHash, hashSecret(cookie)), isNull(webSessions.revokedAt)));
}

/** Delete sessions and sign-in links that ended more than a day ago (the hourly web job). */
export async function pruneWebAuth(db: Db, clock: Clock): Promise<{ sessions: number; links: number }> {
  const cutoff = new Date(clock.now().getTime() - 86_400_000);
  const sessions = await db
    .delete(webSessions)
    .where(or(lt(webSessions.expiresAt, cutoff), lt(webSessions.lastSeenAt, cutoff)))
    .returning({ idHash: webSessions.idHash });
  const links = await db
    .delete(magicLinks)
    .where(lt(magicLinks.expiresAt, cutoff))
    .returning({ tokenHash: magicLinks.tokenHash });
  return { sessions: sessions.length, links: links.length };
}
