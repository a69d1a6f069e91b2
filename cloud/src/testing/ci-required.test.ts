import { expect, test } from "bun:test";
import { dirname, join } from "node:path";

/** Run `code` in a fresh Bun process at the repository root with `env`; its exit code and stderr. */
async function run(code: string, env: Record<string, string>) {
  const p = Bun.spawn([process.execPath, "-e", code], {
    cwd: join(import.meta.dir, "../../.."),
    env: { PATH: dirname(process.execPath), ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
  return { code: await p.exited, stderr: await new Response(p.stderr).text() };
}

test("under CI a switched-off or missing Postgres fails the suites instead of skipping them", async () => {
  const r = await run(`await import(${JSON.stringify(join(import.meta.dir, "each-db.ts"))})`, {
    CI: "true",
    TEST_POSTGRES: "off",
  });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain(
    "CI: Postgres at 127.0.0.1:5432 is required (TEST_POSTGRES=off is not allowed under CI)",
  );
});

test("under CI a missing moto_server fails the S3 suites instead of skipping them", async () => {
  const code = `const m = await import(${JSON.stringify(join(import.meta.dir, "s3-servers.ts"))}); m.motoAvailable();`;
  // PATH holds only Bun's folder, so moto_server is not found.
  const r = await run(code, { CI: "true" });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain("CI: moto_server is required on PATH");
  // Without CI the same absence is a skip.
  expect((await run(code, {})).code).toBe(0);
});
