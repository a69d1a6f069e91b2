import { createSocket, type Socket } from "node:dgram";
import { writeNtpTime } from "./sntp.ts";

/** How a loopback SNTP test server answers. */
export interface SntpServerBehaviour {
  /** Added to the real time in the server's timestamps. */
  skewMs?: number;
  /** Answer with a kiss-of-death (stratum 0, code RATE). */
  kiss?: boolean;
  /** Never answer. */
  silent?: boolean;
}

/** A real SNTP server on 127.0.0.1 for tests; returns its "host:port" and a close function. */
export async function startSntpServer(
  b: SntpServerBehaviour = {},
): Promise<{ address: string; close: () => void }> {
  const socket: Socket = createSocket("udp4");
  // A client that gave up makes the kernel answer ICMP "unreachable"; that is not our error.
  socket.on("error", () => {});
  socket.on("message", (msg, rinfo) => {
    if (b.silent) return;
    const now = Date.now() + (b.skewMs ?? 0);
    const reply = new Uint8Array(48);
    const view = new DataView(reply.buffer);
    reply[0] = (0 << 6) | (4 << 3) | 4;
    reply[1] = b.kiss ? 0 : 2;
    if (b.kiss) reply.set([82, 65, 84, 69], 12);
    reply.set(msg.subarray(40, 48), 24); // originate = client's transmit
    writeNtpTime(view, 32, now);
    writeNtpTime(view, 40, now);
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { address: `127.0.0.1:${socket.address().port}`, close: () => socket.close() };
}
