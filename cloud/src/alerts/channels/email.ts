import type { Mailer } from "../../web/mail/mailer.ts";
import { type AlertChannel, alertTitle } from "../channel.ts";

/** E-mail through the cloud's mailer (SMTP with TLS beyond loopback) to a list of addresses. */
export function emailChannel(mailer: Mailer, to: string[], name = "email"): AlertChannel {
  return {
    name,
    async send(a, event) {
      const lines = [
        alertTitle(a, event),
        "",
        `Kind: ${a.kind}`,
        `Site: ${a.siteId ?? "fleet-wide"}`,
        `Appliance: ${a.applianceId ?? "-"}`,
        `Opened: ${a.openedAt} (seen ${a.occurrences} times)`,
        event === "escalate"
          ? "\nNobody acknowledged this alert within its SLA; you are the escalation contact."
          : "",
        `\nAlert history: ${a.url}`,
      ];
      for (const addr of to)
        await mailer.send({ to: addr, subject: alertTitle(a, event), text: lines.join("\n") });
    },
  };
}
