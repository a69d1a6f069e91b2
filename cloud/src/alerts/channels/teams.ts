import { type AlertChannel, alertTitle, postJson } from "../channel.ts";

/**
 * Microsoft Teams (incoming webhook / Workflows): a `message` whose one attachment is an Adaptive
 * Card 1.4 with the title, a fact set and a link to the alert history.
 */
export function teamsChannel(webhookUrl: string): AlertChannel {
  return {
    name: "teams",
    send: (a, event) =>
      postJson(
        "teams",
        webhookUrl,
        JSON.stringify({
          type: "message",
          attachments: [
            {
              contentType: "application/vnd.microsoft.card.adaptive",
              contentUrl: null,
              content: {
                $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
                type: "AdaptiveCard",
                version: "1.4",
                body: [
                  {
                    type: "TextBlock",
                    text: alertTitle(a, event),
                    weight: "Bolder",
                    size: "Medium",
                    wrap: true,
                  },
                  {
                    type: "FactSet",
                    facts: [
                      { title: "Kind", value: a.kind },
                      { title: "Site", value: a.siteId ?? "fleet-wide" },
                      { title: "Appliance", value: a.applianceId ?? "—" },
                      { title: "Opened", value: a.openedAt },
                      { title: "Seen", value: `${a.occurrences}×` },
                    ],
                  },
                ],
                actions: [{ type: "Action.OpenUrl", title: "Alert history", url: a.url }],
              },
            },
          ],
        }),
      ),
  };
}
