import { dlopen, FFIType, ptr } from "bun:ffi";

/**
 * systemd's notify protocol (sd_notify(3)): one datagram to the unix socket in $NOTIFY_SOCKET.
 * Neither Bun nor node:dgram speaks unix datagrams, so this calls libc through bun:ffi.
 */

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;

type Libc = {
  socket: (domain: number, type: number, proto: number) => number;
  sendto: (
    fd: number,
    buf: unknown,
    len: number,
    flags: number,
    addr: unknown,
    addrlen: number,
  ) => number | bigint;
  close: (fd: number) => number;
};
let libc: Libc | undefined;
function loadLibc(): Libc {
  libc ??= dlopen("libc.so.6", {
    socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    sendto: {
      args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32],
      returns: FFIType.i64,
    },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
  }).symbols as unknown as Libc;
  return libc;
}

/** Send one notify message (e.g. "READY=1", "WATCHDOG=1", "STATUS=…") to `socketPath`. */
export function sdNotify(socketPath: string, message: string): void {
  const path = new TextEncoder().encode(socketPath.startsWith("@") ? `\0${socketPath.slice(1)}` : socketPath);
  if (path.length > 107) throw new Error(`NOTIFY_SOCKET path too long: ${socketPath}`);
  const addr = new Uint8Array(110);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(path, 2);
  // Abstract names are not NUL-terminated; filesystem paths are.
  const addrlen = 2 + path.length + (socketPath.startsWith("@") ? 0 : 1);
  const msg = new TextEncoder().encode(message);
  const c = loadLibc();
  const fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error("sd_notify: socket() failed");
  try {
    const n = Number(c.sendto(fd, ptr(msg), msg.length, MSG_NOSIGNAL, ptr(addr), addrlen));
    if (n !== msg.length) throw new Error(`sd_notify: sendto ${socketPath} failed`);
  } finally {
    c.close(fd);
  }
}

/** What the daemon tells systemd; a no-op outside systemd. */
export interface SystemdNotifier {
  /** True when running under systemd with a notify socket. */
  readonly active: boolean;
  /** Interval at which to send WATCHDOG=1 (half of WatchdogSec), or undefined without a watchdog. */
  readonly watchdogIntervalMs?: number;
  notify(message: string): void;
}

/** The notifier for this process, from $NOTIFY_SOCKET / $WATCHDOG_USEC / $WATCHDOG_PID. */
export function systemdNotifier(
  env: Record<string, string | undefined> = process.env,
  pid = process.pid,
): SystemdNotifier {
  const socket = env.NOTIFY_SOCKET;
  const usec = Number(env.WATCHDOG_USEC);
  const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === pid;
  return {
    active: Boolean(socket),
    watchdogIntervalMs: socket && usec > 0 && forUs ? Math.max(1, Math.floor(usec / 2_000)) : undefined,
    notify(message) {
      if (socket) sdNotify(socket, message);
    },
  };
}
