/** A TCP port free on 127.0.0.1 right now (for a server started later, or one that must keep its port across restarts). */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}
