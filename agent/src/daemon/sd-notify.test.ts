import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sdNotify, systemdNotifier } from "./sd-notify.ts";

const dir = mkdtempSync(join(tmpdir(), "malachor-notify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The receiving end is Python's own AF_UNIX datagram socket: an independent implementation.
const RECEIVER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
path = sys.argv[1]
s.bind("\\0" + path[1:] if path.startswith("@") else path)
print("bound", flush=True)
s.settimeout(10)
for _ in range(int(sys.argv[2])):
    print(s.recv(4096).decode(), flush=True)
`;

async function receive(path: string, count: number, send: () => void): Promise<string[]> {
  const p = Bun.spawn(["/usr/bin/python3", "-c", RECEIVER, path, String(count)], { stdout: "pipe" });
  const reader = p.stdout.getReader();
  let text = "";
  while (!text.includes("bound\n")) text += new TextDecoder().decode((await reader.read()).value);
  send();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  await p.exited;
  return text.split("\n").slice(1).filter(Boolean);
}

test("READY=1 and WATCHDOG=1 reach a unix datagram socket", async () => {
  const path = join(dir, "notify.sock");
  const got = await receive(path, 2, () => {
    const n = systemdNotifier({ NOTIFY_SOCKET: path, WATCHDOG_USEC: "4000000" });
    expect(n.active).toBe(true);
    expect(n.watchdogIntervalMs).toBe(2_000);
    n.notify("READY=1\nSTATUS=first cycle done");
    n.notify("WATCHDOG=1");
  });
  expect(got).toEqual(["READY=1", "STATUS=first cycle done", "WATCHDOG=1"]);
});

test("abstract socket names (@…) work too", async () => {
  const name = `@malachor-test-${process.pid}`;
  const got = await receive(name, 1, () => sdNotify(name, "STOPPING=1"));
  expect(got).toEqual(["STOPPING=1"]);
});

test("outside systemd it is a no-op; a watchdog meant for another pid is ignored", () => {
  const none = systemdNotifier({});
  expect(none.active).toBe(false);
  none.notify("READY=1");
  expect(
    systemdNotifier({ NOTIFY_SOCKET: "/x", WATCHDOG_USEC: "1000000", WATCHDOG_PID: "1" }, 2)
      .watchdogIntervalMs,
  ).toBeUndefined();
  expect(() => sdNotify(join(dir, "nobody-listens.sock"), "READY=1")).toThrow(/sendto/);
});
