/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** A JSON-lines logger. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** debug/info lines (default stdout). */
  out?: (line: string) => void;
  /** warn/error lines (default stderr), so journald and systemd see problems at a glance. */
  err?: (line: string) => void;
  /** Applied to every finished line: the PHI scrubber in production. */
  scrub?: (line: string) => string;
  now?: () => Date;
}

/** One JSON object per line: {"ts","level","msg",…fields}. Errors become {name,message}. */
export function jsonLogger(opts: LoggerOptions = {}, base: LogFields = {}): Logger {
  const min = RANK[opts.level ?? "info"];
  const out = opts.out ?? ((l) => process.stdout.write(`${l}\n`));
  const err = opts.err ?? ((l) => process.stderr.write(`${l}\n`));
  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const record = { ts: (opts.now?.() ?? new Date()).toISOString(), level, msg, ...base, ...fields };
    let line = JSON.stringify(record, (_k, v) =>
      v instanceof Error ? { name: v.name, message: v.message } : typeof v === "bigint" ? String(v) : v,
    );
    if (opts.scrub) line = opts.scrub(line);
    (RANK[level] >= RANK.warn ? err : out)(line);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => jsonLogger(opts, { ...base, ...fields }),
  };
}
