import type { Incident } from "../../../../protocol/incident.ts";

/** What happened to an incident, as told to people (webhook, e-mail). */
export interface IncidentEvent {
  event: "incident.opened" | "incident.resolved";
  siteId: string;
  incident: Incident;
}

/** Where an incident event went and whether it arrived. */
export interface Delivery {
  channel: string;
  ok: boolean;
  error?: string;
}

/** A channel people are told through. Never throws: failures come back as a Delivery. */
export interface Notifier {
  readonly channel: string;
  send(e: IncidentEvent): Promise<Delivery>;
}

/** Send an event through every notifier at once; one failing channel does not stop the others. */
export async function notifyAll(notifiers: readonly Notifier[], e: IncidentEvent): Promise<Delivery[]> {
  return Promise.all(
    notifiers.map((n) =>
      n.send(e).catch((err: unknown) => ({
        channel: n.channel,
        ok: false,
        error: String((err as Error)?.message ?? err),
      })),
    ),
  );
}
