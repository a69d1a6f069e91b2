/** A computer by its name, with the address the check used on hover; the address alone when no name is known. */
export function Host(p: { host: string; names: ReadonlyMap<string, string> }) {
  const name = p.names.get(p.host);
  return name ? (
    <span class="mono" title={p.host} data-host={p.host}>
      {name}
    </span>
  ) : (
    <span class="mono">{p.host}</span>
  );
}
