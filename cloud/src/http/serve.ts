import { readFileSync, statSync } from "node:fs";
import type { Logger } from "../logger.ts";

/** Certificate and key files (PEM) the cloud serves TLS with. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** A listening cloud: its URL, and how to stop it (and its certificate watch). */
export interface Listener {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function readPair(tls: TlsFiles): { cert: string; key: string } {
  const read = (file: string, name: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch (e) {
      throw new Error(
        `cloud configuration: ${name}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? e})`,
      );
    }
  };
  return { cert: read(tls.certFile, "TLS_CERT_FILE"), key: read(tls.keyFile, "TLS_KEY_FILE") };
}

const stamp = (tls: TlsFiles) => {
  try {
    return [tls.certFile, tls.keyFile].map((f) => `${statSync(f).mtimeMs}:${statSync(f).size}`).join("|");
  } catch {
    return "missing";
  }
};

/**
 * Serve `fetch` on host:port, plain HTTP or — with `tls` — Bun's own TLS from the two PEM files.
 * The files are checked every `pollMs`; once a change (a renewed certificate, also one swapped in
 * by rename) has settled, a new listener with the new pair takes the same port (SO_REUSEPORT)
 * and the old one stops after its requests finish. A connection caught mid-handshake by the
 * switch can be reset (clients retry, as the agent does). A pair Bun refuses (key not matching,
 * not PEM) is logged and the previous one keeps serving.
 */
export function serveHttp(opts: {
  port: number;
  hostname: string;
  fetch: (req: Request) => Response | Promise<Response>;
  maxRequestBodySize: number;
  tls?: TlsFiles;
  logger: Logger;
  pollMs?: number;
}): Listener {
  const base = { hostname: opts.hostname, fetch: opts.fetch, maxRequestBodySize: opts.maxRequestBodySize };
  if (!opts.tls) {
    const s = Bun.serve({ ...base, port: opts.port });
    const port = s.port ?? opts.port;
    return { url: `http://${opts.hostname}:${port}`, port, stop: () => s.stop(true) };
  }
  const tls = opts.tls;
  let server = Bun.serve({ ...base, port: opts.port, reusePort: true, tls: readPair(tls) });
  const port = server.port ?? opts.port;
  let serving = stamp(tls);
  let pending = serving;
  const timer = setInterval(() => {
    const now = stamp(tls);
    // Reload only once the files have stopped changing for one interval: a renewal writes the
    // certificate and the key one after the other, and the pair in between does not match.
    const settled = now === pending;
    pending = now;
    if (!settled || now === serving || now === "missing") return;
    serving = now;
    try {
      const next = Bun.serve({ ...base, port, reusePort: true, tls: readPair(tls) });
      const old = server;
      server = next;
      void old.stop();
      opts.logger.info("tls: certificate reloaded", { certFile: tls.certFile });
    } catch (e) {
      opts.logger.error("tls: new certificate refused; still serving the previous one", {
        certFile: tls.certFile,
        error: (e as Error).message,
      });
    }
  }, opts.pollMs ?? 5_000);
  return {
    url: `https://${opts.hostname}:${port}`,
    port,
    async stop() {
      clearInterval(timer);
      await server.stop(true);
    },
  };
}
