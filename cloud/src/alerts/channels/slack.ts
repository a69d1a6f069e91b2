import { type AlertChannel, alertTitle, postJson } from "../channel.ts";

/**
 * Slack incoming webhook: `text` (the notification fallback) plus Block Kit blocks — a section in
 * mrkdwn and a context line (https://api.slack.com/messaging/webhooks).
 */
export function slackChannel(webhookUrl: string): AlertChannel {
  return {
    name: "slack",
    send: (a, event) => {
      const title = alertTitle(a, event);
      const where = [a.siteId && `site ${a.siteId}`, a.applianceId && `appliance ${a.applianceId}`]
        .filter(Boolean)
        .join(", ");
      return postJson(
        "slack",
        webhookUrl,
        JSON.stringify({
          text: title,
          blocks: [
            { type: "section", text: { type: "mrkdwn", text: `*${title}*\n${where || "fleet-wide"}` } },
            {
              type: "context",
              elements: [
                {
                  type: "mrkdwn",
                  text: `${a.kind} · seen ${a.occurrences}× since ${a.openedAt} · <${a.url}|alert history>`,
                },
              ],
            },
          ],
        }),
      );
    },
  };
}
