import { existsSync } from "node:fs";
import { drainQueue } from "../cloud-client/uploader.ts";
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { cloudClient, openChain } from "../daemon/agent.ts";
import { openState, stateDbPath } from "../daemon/state.ts";
import { DaemonUnavailable, localClient } from "../localapi/client.ts";
import type { QueueItem, QueueStats } from "../queue/queue.ts";
import { isStream, STREAM_NAMES } from "../queue/streams.ts";
import { CONFIG_AND_JSON, flagCommand } from "./args.ts";
import { CliError, EXIT, type Io } from "./command.ts";
import { configFromArgs } from "./config-arg.ts";
import { bytes, duration, table } from "./format.ts";
import { progress } from "./progress.ts";

const usage =
  "malachor queue stats|peek|flush [--stream <name>] [--limit <n>] [--config <file>] [--json]\n" +
  "  stats  depth, size and age per stream        peek  the oldest items (read only)\n" +
  "  flush  deliver everything now, ignoring backoff (through the daemon if it runs)\n" +
  `  streams: ${STREAM_NAMES.join(", ")}. Exit 0 ok (flush: queue delivered), 1 items left, 3 no state / cloud unreachable.`;

// Run against the daemon when it answers, else directly on the state database.
async function viaDaemonOr<T>(
  config: Config,
  daemon: (c: ReturnType<typeof localClient>) => Promise<T>,
  direct: () => Promise<T> | T,
) {
  try {
    return await daemon(localClient(config.status.bind, 1_000));
  } catch (e) {
    if (!(e instanceof DaemonUnavailable)) throw e;
  }
  if (!existsSync(stateDbPath(config))) {
    throw new CliError(
      `no agent state at ${stateDbPath(config)}: malachor run has never started with this config`,
      EXIT.environment,
    );
  }
  return direct();
}

function printStats(io: Io, s: QueueStats) {
  io.out(
    `${s.depth} items, ${bytes(s.bytes)} of ${bytes(s.maxBytes)} bound${s.nearBound ? " — NEAR THE BOUND" : ""}`,
  );
  const rows = [["stream", "items", "size", "oldest", "attempts", "dead", "shed", "next try"]];
  for (const [name, x] of Object.entries(s.streams)) {
    rows.push([
      name,
      String(x.depth),
      bytes(x.bytes),
      x.depth ? duration(x.oldestAgeSec) : "-",
      String(x.maxAttempts),
      String(x.dead),
      String(x.shed),
      x.nextAttemptInSec === null
        ? "-"
        : x.nextAttemptInSec === 0
          ? "now"
          : `in ${duration(x.nextAttemptInSec)}`,
    ]);
  }
  for (const line of table(rows)) io.out(line);
}

function printItems(io: Io, items: QueueItem[]) {
  if (items.length === 0) {
    io.out("queue is empty");
    return;
  }
  const rows = [["id", "stream", "key", "size", "age", "attempts", "state / last error"]];
  for (const i of items) {
    rows.push([
      String(i.id),
      i.stream,
      i.key,
      bytes(i.bytes),
      duration((Date.now() - i.createdAt) / 1000),
      String(i.attempts),
      i.dead ? `DEAD: ${i.lastError ?? ""}` : (i.lastError ?? "waiting"),
    ]);
  }
  for (const line of table(rows)) io.out(line);
}

/** `malachor queue`: inspect and flush the offline queue. */
export const queueCommand = flagCommand(
  {
    name: "queue",
    summary: "inspect (stats, peek) or flush the offline evidence queue",
    usage,
    options: { ...CONFIG_AND_JSON, stream: { type: "string" }, limit: { type: "string" } },
  },
  async ({ values, positionals }, io) => {
    const [sub, ...extra] = positionals;
    if (!sub || extra.length > 0) throw new CliError(`expected one of stats, peek, flush\nusage: ${usage}`);
    if (values.stream !== undefined && !isStream(values.stream)) {
      throw new CliError(`unknown stream "${values.stream}" (streams: ${STREAM_NAMES.join(", ")})`);
    }
    const limit = values.limit === undefined ? 10 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000)
      throw new CliError("--limit must be an integer from 1 to 1000");
    const config = configFromArgs(values.config, loadConfig);

    if (sub === "stats" || sub === "peek") {
      const r = await viaDaemonOr(
        config,
        (c) => c.queue(values.stream, limit),
        () => {
          const { db, queue } = openState(config);
          try {
            return { stats: queue.stats(), items: queue.peek(values.stream as never, limit) };
          } finally {
            db.close();
          }
        },
      );
      if (values.json) io.out(JSON.stringify(sub === "stats" ? r.stats : r.items));
      else if (sub === "stats") printStats(io, r.stats);
      else printItems(io, r.items);
      return EXIT.ok;
    }
    if (sub !== "flush") throw new CliError(`unknown queue subcommand "${sub}"\nusage: ${usage}`);

    const p = progress(io);
    p.update("delivering queued items to the cloud…");
    const r = await viaDaemonOr(
      config,
      async (c) => ({ ...(await c.flush()), via: "daemon" }),
      async () => {
        const state = openState(config);
        try {
          const { client, reason } = cloudClient(config);
          if (!client)
            return {
              waiting: 0,
              delivered: {},
              stoppedBy: reason,
              warnings: [],
              cloud: false,
              stats: state.queue.stats(),
              via: "direct",
            };
          const { chain } = openChain(config, state, false);
          const waiting = state.queue.resetBackoff();
          const d = await drainQueue(state.queue, client, chain);
          return {
            waiting,
            delivered: d.delivered,
            stoppedBy: d.stoppedBy?.message,
            warnings: d.warnings,
            cloud: true,
            stats: state.queue.stats(),
            via: "direct",
          };
        } finally {
          state.db.close();
        }
      },
    ).finally(() => p.done());
    if (values.json) io.out(JSON.stringify(r));
    else {
      const sent = Object.entries(r.delivered).map(([s, n]) => `${n} ${s}`);
      io.out(
        `delivered ${sent.length ? sent.join(", ") : "nothing"}${r.via === "direct" ? " (daemon not running: sent directly)" : ""}`,
      );
      for (const w of r.warnings) io.out(`warning: ${w}`);
      if (r.stoppedBy) io.err(`stopped: ${r.stoppedBy}`);
      io.out(`${r.stats.depth} items left`);
    }
    if (!r.cloud || (r.stoppedBy && r.stats.depth > 0 && Object.keys(r.delivered).length === 0))
      return EXIT.environment;
    return r.stats.depth > 0 ? EXIT.failed : EXIT.ok;
  },
);
