import { type MailMessage, parseSmtpUrl, sendMail } from "../../../../lib/mail/smtp.ts";
import type { Delivery, IncidentEvent, Notifier } from "./event.ts";

/** SMTP receivers for incident mail: `smtp://[user:pass@]host[:port]` (STARTTLS) or `smtps://…` (implicit TLS). */
export interface EmailTarget {
  url: string;
  from: string;
  to: readonly string[];
  timeoutMs?: number;
}

/** The plain-text message for an incident event (incident text is already PHI-scrubbed). */
export function incidentMail(e: IncidentEvent, from: string, to: string): MailMessage {
  const i = e.incident;
  const verb = e.event === "incident.opened" ? "OPEN" : "RESOLVED";
  return {
    from,
    to,
    subject: `[Malachor ${verb}] ${i.severity.toUpperCase()} ${i.checkId} on ${i.host}`.slice(0, 200),
    text: [
      `${i.title}`,
      "",
      i.summary,
      "",
      `Site: ${e.siteId}   Appliance: ${i.applianceId}   Incident: ${i.id}`,
      `Severity: ${i.severity}   Tier: ${i.tier}   Occurrences: ${i.occurrences}`,
      `Opened: ${i.openedAt}${i.resolvedAt ? `   Resolved: ${i.resolvedAt} by ${i.resolvedBy}` : ""}`,
      i.citations.length ? `HIPAA: ${i.citations.join(", ")}` : "",
      i.resolution
        ? `Resolution: ${i.resolution}`
        : "It stays open until a person resolves it (malachor incident resolve).",
    ].join("\n"),
  };
}

/**
 * Notifier that mails every recipient (one SMTP transaction each, so one refused address does not
 * hide the others), through lib/mail/smtp.ts: TLS (STARTTLS or smtps://) with a verified
 * certificate for any relay but loopback.
 */
export function emailNotifier(t: EmailTarget): Notifier {
  const target = parseSmtpUrl(t.url);
  const channel = `smtp ${target.host}:${target.port}`;
  return {
    channel,
    async send(e: IncidentEvent): Promise<Delivery> {
      const errors: string[] = [];
      for (const to of t.to) {
        try {
          await sendMail(target, incidentMail(e, t.from, to), { timeoutMs: t.timeoutMs ?? 15_000 });
        } catch (err) {
          errors.push(`${to}: ${(err as Error).message}`);
        }
      }
      return errors.length ? { channel, ok: false, error: errors.join("; ") } : { channel, ok: true };
    },
  };
}
