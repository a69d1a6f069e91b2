import { expect, test } from "bun:test";
import { RealHost } from "./real-host.ts";

const host = new RealHost();

test.each([
  [["sh", "-c", "echo out; echo err >&2; exit 3"], { code: 3, stdout: "out\n", stderr: "err\n" }],
  [["definitely-not-a-command-malachor"], { code: 127, stdout: "" }],
] as const)("run %p", async (argv, want) => {
  expect(await host.run(argv)).toMatchObject(want);
});

test("a command past its timeout is killed and reported as exit 124", async () => {
  const t = performance.now();
  const r = await host.run(["sleep", "5"], { timeoutMs: 200 });
  expect(performance.now() - t).toBeLessThan(2_000);
  expect(r.code).toBe(124);
  expect(r.stderr).toMatch(/killed after 200 ms/);
});

test("files, links and directories: present and absent", async () => {
  expect(await host.readFile("/etc/passwd")).toMatch(/^root:/);
  expect(await host.readFile("/nonexistent/file")).toBeNull();
  expect(await host.listDir("/etc")).toContain("passwd");
  expect(await host.listDir("/nonexistent")).toBeNull();
  expect(await host.readLink("/etc/passwd")).toBeNull();
  expect(Math.abs(host.now() - Date.now())).toBeLessThan(50);
});

test("UDP to a closed loopback port fails fast instead of waiting out the timeout", async () => {
  const t = performance.now();
  await expect(host.udpRequest("127.0.0.1", 9, new Uint8Array(48), 3_000)).rejects.toThrow();
  expect(performance.now() - t).toBeLessThan(2_000);
});
