/**
 * Reminders of what the program says is due (expiring or expired BAAs, overdue training, the
 * yearly SRA, risk-plan steps past due, exceptions about to lapse), sent by e-mail to the site's
 * security official and privacy officer; the yearly SRA is started when it falls due. Each item
 * is sent at most once a week: the sent marks live in the database, so restarts and other
 * instances do not repeat them.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { DueItem } from "../../../protocol/program-state.ts";
import { programReminders } from "../db/schema/program.ts";
import { sites } from "../db/schema/sites.ts";
import type { CloudDeps } from "../deps.ts";
import type { Job } from "../jobs/job.ts";
import type { Mailer } from "../web/mail/mailer.ts";
import { siteProgram } from "./evaluate.ts";
import { startSra } from "./sra.ts";

/** The week (since the epoch) a reminder belongs to: one reminder per item and week. */
const weekOf = (d: Date) => `w${Math.floor(d.getTime() / (7 * 86_400_000))}`;

/**
 * The yearly risk assessment: once a site's program is in use and its last signed SRA is a year
 * old (or there is none), start one, prefilled from the latest findings, for the official to answer.
 */
export async function startYearlySraIfDue(deps: CloudDeps, siteId: string): Promise<string | null> {
  const { state, evaluation } = await siteProgram(deps, siteId);
  const open = [...state.sras.values()].some((s) => !s.signed);
  if (!evaluation.inUse || open || evaluation.currentSra) return null;
  const ctx = { ...deps, actor: { type: "system" as const, name: "program-reminders" }, requestId: null };
  const { sraId } = await startSra({ ctx, input: { siteId, trigger: "yearly" } });
  deps.logger.info("program: yearly risk assessment started", { siteId, sraId });
  return sraId;
}

/** Send one site's due items not yet reminded this week; returns how many items went out. */
export async function remindSite(
  deps: CloudDeps,
  mailer: Mailer,
  siteId: string,
  name: string,
): Promise<number> {
  await startYearlySraIfDue(deps, siteId);
  const program = await siteProgram(deps, siteId);
  const due = program.evaluation.due;
  if (due.length === 0) return 0;
  const to = [...new Set([...program.state.officials.values()].map((o) => o.person.email))];
  if (to.length === 0) {
    deps.logger.warn("program: reminders due but no official to send them to", { siteId, due: due.length });
    return 0;
  }
  const week = weekOf(deps.clock.now());
  // Claim the items first (the primary key makes a second instance's claim a no-op), send, and
  // give the claim back if the mail could not go, so the next run tries again.
  const claimed = await deps.db
    .insert(programReminders)
    .values(due.map((d) => ({ siteId, itemKey: d.key, day: week, sentAt: deps.clock.now() })))
    .onConflictDoNothing()
    .returning({ itemKey: programReminders.itemKey });
  const fresh: DueItem[] = due.filter((d) => claimed.some((c) => c.itemKey === d.key));
  if (fresh.length === 0) return 0;
  try {
    await mailer.send({
      to: to.join(", "),
      subject: `HIPAA compliance: ${fresh.length} item${fresh.length === 1 ? "" : "s"} due at ${name}`,
      text: [
        `The compliance program of ${name} has ${fresh.length} item(s) due:`,
        "",
        ...fresh.map((d) => `- ${d.text}`),
        "",
        `Open the client portal to act on them: ${deps.config.publicUrl}/portal/s/${siteId}/program`,
      ].join("\n"),
    });
  } catch (err) {
    await deps.db.delete(programReminders).where(
      and(
        eq(programReminders.siteId, siteId),
        eq(programReminders.day, week),
        inArray(
          programReminders.itemKey,
          fresh.map((d) => d.key),
        ),
      ),
    );
    throw err;
  }
  deps.logger.info("program: reminders sent", { siteId, items: fresh.length, via: mailer.describe });
  return fresh.length;
}

/** The hourly reminders job over every site (a failing site is logged; the others still get theirs). */
export function programRemindersJob(mailerOf: (deps: CloudDeps) => Mailer): Job {
  return {
    name: "program-reminders",
    everyMs: 3_600_000,
    async run(deps, signal) {
      const mailer = mailerOf(deps);
      for (const s of await deps.db.select({ id: sites.id, name: sites.name }).from(sites)) {
        if (signal.aborted) return;
        try {
          await remindSite(deps, mailer, s.id, s.name);
        } catch (err) {
          deps.logger.error("program: reminders failed", { siteId: s.id, error: (err as Error).message });
        }
      }
    },
  };
}
