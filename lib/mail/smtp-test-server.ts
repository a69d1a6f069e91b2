/**
 * A loopback SMTP receiver for tests: speaks enough real SMTP for a client (EHLO, AUTH PLAIN,
 * MAIL, RCPT, DATA, QUIT) and keeps what it received. Not a relay; never used in production.
 */
import { createServer, type Server } from "node:net";

/** A message as received: envelope and raw DATA (dot-unstuffed). */
export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
  auth?: string;
}

export interface SmtpTestServer {
  url: string;
  received: ReceivedMail[];
  /** Resolves with the next message received. */
  next(): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** Start a receiver on 127.0.0.1 (random port). `refuseRcpt` answers 550 to RCPT for that address. */
export async function startSmtpTestServer(opts: { refuseRcpt?: string } = {}): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  const waiting: ((m: ReceivedMail) => void)[] = [];
  const server: Server = createServer((sock) => {
    sock.setNoDelay(true);
    sock.setEncoding("utf8");
    let buf = "";
    let inData = false;
    let cur: ReceivedMail = { from: "", to: [], data: "" };
    const say = (l: string) => sock.write(`${l}\r\n`);
    say("220 localhost test SMTP");
    sock.on("data", (d: string) => {
      buf += d;
      for (let i = buf.indexOf("\r\n"); i >= 0; i = buf.indexOf("\r\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            received.push(cur);
            waiting.shift()?.(cur);
            cur = { from: "", to: [], data: "" };
            say("250 queued");
          } else cur.data += `${line.startsWith("..") ? line.slice(1) : line}\r\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") {
          say("250-localhost");
          say("250 AUTH PLAIN");
        } else if (verb === "AUTH") {
          cur.auth = Buffer.from(line.split(" ")[2] ?? "", "base64").toString("utf8");
          say("235 ok");
        } else if (verb === "MAIL") {
          cur.from = /<(.*)>/.exec(line)?.[1] ?? "";
          say("250 ok");
        } else if (verb === "RCPT") {
          const to = /<(.*)>/.exec(line)?.[1] ?? "";
          if (to === opts.refuseRcpt) say("550 no such user");
          else {
            cur.to.push(to);
            say("250 ok");
          }
        } else if (verb === "DATA") {
          inData = true;
          say("354 go ahead");
        } else if (verb === "QUIT") {
          say("221 bye");
          sock.end();
        } else say("502 not implemented");
      }
    });
    sock.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    next: () => new Promise((r) => waiting.push(r)),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
