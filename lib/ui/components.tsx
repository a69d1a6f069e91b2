import type { Child } from "hono/jsx";

/** A status word in a coloured pill; the class is the word itself so CSS maps it to a colour. */
export function Badge(p: { status: string; label?: string }) {
  return <span class={`badge ${p.status}`}>{p.label ?? p.status}</span>;
}

/** A computer by its name, with the address the check used on hover; the address alone when no name is known. */
export function Computer(p: { host: string; name: string | undefined }) {
  return p.name ? (
    <span class="mono" title={p.host} data-host={p.host}>
      {p.name}
    </span>
  ) : (
    <span class="mono">{p.host}</span>
  );
}

/** CSS class for a 0–100 score: pass ≥ 90, warn ≥ 70, fail below, none when nothing is assessed. */
export function scoreClass(score: number | null): "pass" | "warn" | "fail" | "none" {
  if (score === null) return "none";
  return score >= 90 ? "pass" : score >= 70 ? "warn" : "fail";
}

/** A compliance score as a big number ("—" when no control is assessed yet). */
export function Score(p: {
  score: number | null;
  assessed?: number;
  measured?: { checked: number; of: number };
}) {
  return (
    <div>
      <div class={`score ${scoreClass(p.score)}`} data-testid="score">
        {p.score === null ? "—" : `${p.score}%`}
      </div>
      {p.measured ? (
        <div class="muted small" data-testid="measured">
          {p.measured.checked} of {p.measured.of} controls checked automatically
          {p.assessed !== undefined && p.assessed > p.measured.checked
            ? ` · ${p.assessed - p.measured.checked} more from the compliance program`
            : ""}
        </div>
      ) : p.assessed !== undefined ? (
        <div class="muted small">
          {p.assessed === 0 ? "no controls assessed yet" : `${p.assessed} controls assessed`}
        </div>
      ) : null}
    </div>
  );
}

/** A labelled figure in a small card. */
export function Stat(p: { label: string; value: Child; hint?: Child }) {
  return (
    <div class="stat">
      <div class="label">{p.label}</div>
      <div class="value">{p.value}</div>
      {p.hint ? <div class="muted small">{p.hint}</div> : null}
    </div>
  );
}

/** A friendly placeholder where a list has no rows yet. */
export function Empty(p: { children: Child }) {
  return <div class="empty">{p.children}</div>;
}

/** A table with a header row; renders `empty` instead when there are no rows. */
export function Table(p: { head: string[]; rows: Child[]; empty: Child; testid?: string }) {
  if (p.rows.length === 0) return <Empty>{p.empty}</Empty>;
  return (
    <div class="table-wrap">
      <table data-testid={p.testid}>
        <thead>
          <tr>
            {p.head.map((h) => (
              <th>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>{p.rows}</tbody>
      </table>
    </div>
  );
}

/** The hidden CSRF field every state-changing form carries. */
export function Csrf(p: { token: string }) {
  return <input type="hidden" name="_csrf" value={p.token} />;
}

/** A one-button POST form (approve, resolve, delete…), optionally asking for confirmation first. */
export function ActionButton(p: {
  action: string;
  csrf: string;
  label: string;
  variant?: "secondary" | "danger";
  confirm?: string;
  fields?: Record<string, string>;
}) {
  return (
    <form class="inline" method="post" action={p.action} data-confirm={p.confirm}>
      <Csrf token={p.csrf} />
      {Object.entries(p.fields ?? {}).map(([k, val]) => (
        <input type="hidden" name={k} value={val} />
      ))}
      <button type="submit" class={p.variant}>
        {p.label}
      </button>
    </form>
  );
}

/** A flash message (from the `notice`/`error` query parameters after a redirect). */
export function Notice(p: { kind: "ok" | "error" | "info"; children: Child }) {
  return (
    <div class={`notice ${p.kind}`} role={p.kind === "error" ? "alert" : "status"}>
      {p.children}
    </div>
  );
}

/** Previous/next links for a keyset- or offset-paginated list. */
export function Pager(p: { prev?: string; next?: string; label: string }) {
  if (!p.prev && !p.next) return null;
  return (
    <nav class="pager" aria-label="pages">
      {p.prev ? <a href={p.prev}>← newer</a> : <span class="muted">← newer</span>}
      <span class="muted small">{p.label}</span>
      {p.next ? <a href={p.next}>older →</a> : <span class="muted">older →</span>}
    </nav>
  );
}

/**
 * A timestamp: its age at `now` ("3 min ago") with the exact moment on hover, or without `now` the
 * moment to the second (LocalTime); "never" for null.
 */
export function When(p: { at: Date | string | null | undefined; now?: Date }) {
  if (!p.at) return <span class="muted">never</span>;
  const d = typeof p.at === "string" ? new Date(p.at) : p.at;
  if (!p.now) return <LocalTime at={d} />;
  const iso = d.toISOString();
  return (
    <time datetime={iso} title={iso}>
      {ago(d, p.now)}
    </time>
  );
}

/** "3 min ago", "2 h ago", "5 d ago": coarse age of `d` at `now`. */
export function ago(d: Date, now: Date): string {
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  if (s < 10) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/**
 * A moment to the second, for people comparing events (fixes, audits): UTC with seconds on the
 * server; the page script rewrites it to the reader's local time (`data-local`), labelled as such.
 */
export function LocalTime(p: { at: Date | string }) {
  const iso = (typeof p.at === "string" ? new Date(p.at) : p.at).toISOString();
  return (
    <time datetime={iso} title={iso} data-local="1">
      {`${iso.slice(0, 19).replace("T", " ")} UTC`}
    </time>
  );
}
