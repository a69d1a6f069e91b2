import { afterAll, beforeAll } from "bun:test";
import { WinRmClient } from "../../agent/src/winrm/client.ts";
import { startWinRmServer, type WinRmServer, type WinRmServerOptions } from "./server.ts";

/** A WinRM test server with the agent's NTLM client signed in to it as the configured user. */
export interface LoopbackWinRm {
  server: WinRmServer;
  client: WinRmClient;
  /** Close the client's shells and connections, then stop the server. */
  close(): Promise<void>;
}

/** Start a WinRM test server (HTTP + NTLM) on loopback and a client of it with the same credentials. */
export async function startLoopbackWinRm(opts: Omit<WinRmServerOptions, "tls">): Promise<LoopbackWinRm> {
  const server = await startWinRmServer(opts);
  const client = new WinRmClient({
    host: opts.hostname ?? "127.0.0.1",
    port: server.port,
    auth: { scheme: "ntlm", user: opts.user, password: opts.password },
  });
  return {
    server,
    client,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/**
 * The loopback WinRM server and client of one test file (or describe block): started before its
 * tests, closed after them. Read `server` and `client` inside tests and hooks, not at load time.
 */
export function useLoopbackWinRm(opts: Omit<WinRmServerOptions, "tls">): Omit<LoopbackWinRm, "close"> {
  let started: LoopbackWinRm | undefined;
  const get = () => {
    if (!started)
      throw new Error("the loopback WinRM server is not started yet: read it inside a test or hook");
    return started;
  };
  beforeAll(async () => {
    started = await startLoopbackWinRm(opts);
  });
  afterAll(() => started?.close());
  return {
    get server() {
      return get().server;
    },
    get client() {
      return get().client;
    },
  };
}
