/**
 * A minimal HTTP/1.1 server over raw sockets. WinRM's NTLM authenticates the TCP connection, so
 * handlers get a per-connection state object; each response is one write with TCP_NODELAY set
 * (separate header/body writes would stall ~40 ms on delayed ACK).
 */
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";

export interface HttpRequest {
  method: string;
  path: string;
  /** Lowercased header names. */
  headers: Record<string, string>;
  body: Buffer;
}
export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}
export type Handler<C> = (
  req: HttpRequest,
  conn: C,
) => Promise<HttpResponse | "hang"> | HttpResponse | "hang";

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  413: "Payload Too Large",
  500: "Internal Server Error",
};
const MAX_BODY = 10 * 1024 * 1024;

/** Serve `handler` on a TCP (or, with `tls`, TLS) listener; `destroyAll` drops open connections. */
export function serveHttp<C>(
  handler: Handler<C>,
  newConn: () => C,
  tls?: { key: string; cert: string },
): { server: Server; destroyAll: () => void } {
  const open = new Set<Socket>();
  const onSocket = (socket: Socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    socket.setNoDelay(true);
    const conn = newConn();
    let buf = Buffer.alloc(0);
    let busy = false;
    const pump = async () => {
      if (busy) return;
      busy = true;
      try {
        for (;;) {
          const end = buf.indexOf("\r\n\r\n");
          if (end < 0) break;
          const head = buf.subarray(0, end).toString("latin1").split("\r\n");
          const [method = "", path = ""] = (head[0] ?? "").split(" ");
          const headers: Record<string, string> = {};
          for (const h of head.slice(1)) {
            const i = h.indexOf(":");
            if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
          }
          const len = Number(headers["content-length"] ?? 0);
          if (!Number.isFinite(len) || len > MAX_BODY) {
            socket.end("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
          }
          if (buf.length < end + 4 + len) break;
          const body = Buffer.from(buf.subarray(end + 4, end + 4 + len));
          buf = buf.subarray(end + 4 + len);
          let res: HttpResponse | "hang";
          try {
            res = await handler({ method, path, headers, body }, conn);
          } catch (e) {
            res = {
              status: 500,
              headers: { "content-type": "text/plain" },
              body: `internal error: ${(e as Error).message}`,
            };
          }
          if (res === "hang") return;
          const payload =
            typeof res.body === "string" ? Buffer.from(res.body) : (res.body ?? Buffer.alloc(0));
          const lines = [
            `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? "Status"}`,
            "Server: Microsoft-HTTPAPI/2.0",
          ];
          for (const [k, v] of Object.entries(res.headers ?? {})) lines.push(`${k}: ${v}`);
          lines.push(`Content-Length: ${payload.length}`);
          if (socket.destroyed) return;
          socket.write(Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), payload]));
          if (headers.connection?.toLowerCase() === "close") {
            socket.end();
            return;
          }
        }
      } finally {
        busy = false;
      }
      // Data that arrived while a request was being handled has not been looked at yet.
      if (arrived) {
        arrived = false;
        void pump();
      }
    };
    let arrived = false;
    socket.on("data", (d: Buffer) => {
      // What HTTP.sys does with bytes that are no request line (a TLS ClientHello on the HTTP port).
      if (buf.length === 0 && !/^[A-Z]/.test(d.toString("latin1", 0, 1))) {
        const page = "<h2>Bad Request - Invalid Verb</h2>";
        socket.end(
          `HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=us-ascii\r\nServer: Microsoft-HTTPAPI/2.0\r\nConnection: close\r\nContent-Length: ${page.length}\r\n\r\n${page}`,
        );
        return;
      }
      buf = Buffer.concat([buf, d]);
      if (busy) arrived = true;
      else void pump();
    });
    socket.on("error", () => socket.destroy());
  };
  const server = tls
    ? createTlsServer({ key: tls.key, cert: tls.cert }, onSocket)
    : createTcpServer(onSocket);
  return {
    server,
    destroyAll: () => {
      for (const s of open) s.destroy();
    },
  };
}
