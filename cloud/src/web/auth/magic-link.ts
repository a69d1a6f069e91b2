/**
 * Portal sign-in by magic link: a 256-bit single-use token, valid 15 minutes, stored as SHA-256,
 * sent by e-mail. Requesting never reveals whether an address is registered.
 */
import { randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import * as v from "valibot";
import { hashSecret } from "../../auth/secrets.ts";
import type { Clock } from "../../clock.ts";
import type { Db } from "../../db/client.ts";
import { sites } from "../../db/schema/sites.ts";
import { magicLinks, portalUsers } from "../../db/schema/web.ts";
import type { CloudDeps } from "../../deps.ts";
import { enforce } from "../../ratelimit/limiter.ts";
import type { Mailer } from "../mail/mailer.ts";

/** Lifetime of a magic link. */
export const MAGIC_LINK_TTL_SEC = 15 * 60;

/** An e-mail address as typed into the sign-in form, normalised to lower case. */
export const EmailAddress = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(254, "is too long"),
  v.email("must be an e-mail address like name@clinic.example"),
);

/** Path of the link's landing page (the token is the last segment). */
export const MAGIC_PATH = "/portal/magic";

/**
 * Send a sign-in link to every active portal user with this address (one per site). Rate-limited
 * per e-mail address only: a request's only effect is mail to that inbox, so whoever floods it
 * cannot lock the owner out (the links are in the owner's inbox), while a per-client-address limit
 * would let one client behind a shared proxy lock out everyone else. Returns how many links were
 * sent (the page never shows it).
 */
export async function requestMagicLinks(deps: CloudDeps, mailer: Mailer, email: string): Promise<number> {
  await enforce(
    deps.db,
    deps.clock,
    `magic-link:${email}`,
    deps.config.rateLimits.magicLink,
    "sign-in links",
  );
  const users = await deps.db
    .select({ id: portalUsers.id, siteId: portalUsers.siteId, siteName: sites.name })
    .from(portalUsers)
    .innerJoin(sites, eq(sites.id, portalUsers.siteId))
    .where(and(eq(portalUsers.email, email), isNull(portalUsers.disabledAt)));
  const base = deps.config.publicUrl.replace(/\/+$/, "");
  for (const u of users) {
    const token = randomBytes(32).toString("base64url");
    const now = deps.clock.now();
    await deps.db.insert(magicLinks).values({
      tokenHash: hashSecret(token),
      userId: u.id,
      siteId: u.siteId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + MAGIC_LINK_TTL_SEC * 1000),
    });
    const link = `${base}${MAGIC_PATH}/${token}`;
    await mailer.send({
      to: email,
      subject: `Sign in to the ${u.siteName} compliance portal`,
      text: [
        `Use this link to sign in to the compliance portal of ${u.siteName}:`,
        "",
        link,
        "",
        `It works once and expires in ${MAGIC_LINK_TTL_SEC / 60} minutes.`,
        "If you did not ask to sign in, ignore this message.",
      ].join("\n"),
    });
    deps.logger.info("portal: sign-in link sent", { userId: u.id, siteId: u.siteId, via: mailer.describe });
  }
  return users.length;
}

/** Shape of a token in a link (so junk never reaches the database). */
export function looksLikeToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/**
 * Use a link: marks it used in the same statement that checks it is unused and unexpired, so two
 * concurrent clicks cannot both succeed. Returns the user and site, or null.
 */
export async function consumeMagicLink(
  db: Db,
  clock: Clock,
  token: string,
): Promise<{ userId: string; siteId: string } | null> {
  if (!looksLikeToken(token)) return null;
  const now = clock.now();
  const [row] = await db
    .update(magicLinks)
    .set({ usedAt: now })
    .where(
      and(
        eq(magicLinks.tokenHash, hashSecret(token)),
        isNull(magicLinks.usedAt),
        gt(magicLinks.expiresAt, now),
      ),
    )
    .returning({ userId: magicLinks.userId, siteId: magicLinks.siteId });
  return row ?? null;
}
