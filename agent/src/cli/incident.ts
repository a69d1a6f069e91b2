import { randomUUID } from "node:crypto";
import type { Incident } from "../../../protocol/incident.ts";
import { openChain } from "../daemon/agent.ts";
import { IncidentError, resolveIncident } from "../heal/l3/escalate.ts";
import { notifiersFrom } from "../heal/l3/notifiers.ts";
import { HealStore } from "../heal/store.ts";
import { CONFIG_AND_JSON, parseCommandArgs, subcommandCommand } from "./args.ts";
import { CliError, EXIT, type Io } from "./command.ts";
import { existingState } from "./existing-state.ts";
import { table } from "./format.ts";

const usage =
  "malachor incident list [--status open|resolved|all] [--config <file>] [--json]\n" +
  'malachor incident resolve <id> --by "<your name>" --note "<what was done>" [--config <file>] [--json]\n' +
  "  Incidents are drift healing could not close (L3); each stays open until a person resolves it.\n" +
  "  resolve records who and what in the evidence chain, tells the cloud and the notify channels.\n" +
  "  Exit 0 ok, 1 no such incident / already resolved, 2 bad usage, 3 no agent state.";

function stateOf(configFlag: string | undefined) {
  const { config, state } = existingState(configFlag);
  return { config, state, store: new HealStore(state.db) };
}

function list(args: string[], io: Io): number {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...CONFIG_AND_JSON, status: { type: "string" } },
    usage,
  );
  if (positionals.length) throw new CliError(`incident list takes no arguments\nusage: ${usage}`);
  const status = values.status ?? "open";
  if (status !== "open" && status !== "resolved" && status !== "all") {
    throw new CliError(`--status must be open, resolved or all, not "${status}"`);
  }
  const { state, store } = stateOf(values.config);
  try {
    const incidents = store.incidents(status === "all" ? undefined : status);
    if (values.json) io.out(JSON.stringify({ incidents }));
    else if (incidents.length === 0) io.out(status === "all" ? "no incidents" : `no ${status} incidents`);
    else {
      const rows = [["ID", "STATUS", "SEVERITY", "TIER", "CHECK", "HOST", "SEEN", "OPENED", "TITLE"]];
      for (const i of incidents) {
        rows.push([
          i.id,
          i.status,
          i.severity,
          i.tier,
          i.checkId,
          i.host,
          `${i.occurrences}×`,
          i.openedAt,
          i.title,
        ]);
      }
      for (const line of table(rows)) io.out(line);
    }
    return EXIT.ok;
  } finally {
    state.db.close();
  }
}

async function resolve(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      by: { type: "string" },
      note: { type: "string" },
      config: { type: "string" },
      json: { type: "boolean" },
    },
    usage,
  );
  const [id, ...extra] = positionals;
  if (!id || extra.length) throw new CliError(`expected exactly one incident id\nusage: ${usage}`);
  if (!values.by?.trim()) throw new CliError('--by "<your name>" is required: a resolution names the person');
  if (!values.note?.trim()) throw new CliError('--note "<what was done>" is required');
  const { config, state, store } = stateOf(values.config);
  try {
    const { chain } = openChain(config, state, false);
    let incident: Incident;
    let failed: string[];
    try {
      const r = await resolveIncident(
        {
          store,
          outbox: state.queue,
          evidence: chain,
          notifiers: notifiersFrom(config),
          siteId: config.appliance.site_id,
          applianceId: config.appliance.appliance_id,
          now: () => new Date(),
          newId: () => `inc-${randomUUID()}`,
        },
        id,
        values.by,
        values.note,
      );
      incident = r.incident;
      failed = r.deliveries.filter((d) => !d.ok).map((d) => `${d.channel}: ${d.error}`);
    } catch (e) {
      if (e instanceof IncidentError) throw new CliError(e.message, EXIT.failed);
      throw e;
    }
    if (values.json) io.out(JSON.stringify({ incident, notifyFailures: failed }));
    else {
      io.out(`resolved ${incident.id} (${incident.checkId} on ${incident.host}) by ${incident.resolvedBy}`);
      for (const f of failed) io.err(`warning: could not notify ${f}`);
    }
    return EXIT.ok;
  } finally {
    state.db.close();
  }
}

/** `malachor incident list|resolve`. */
export const incidentCommand = subcommandCommand({
  name: "incident",
  summary: "list the appliance's incidents; resolve one as a named person",
  usage,
  subcommands: {
    list,
    resolve,
  },
});
