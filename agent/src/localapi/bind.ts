/** Split a bind address "host:port" / "[v6]:port". */
export function parseBind(bind: string): { hostname: string; port: number } {
  const i = bind.lastIndexOf(":");
  return { hostname: bind.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(bind.slice(i + 1)) };
}
