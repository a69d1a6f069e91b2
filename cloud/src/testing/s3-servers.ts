import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { freePort } from "../../../test/support/ports.ts";
import type { S3Settings } from "../store/s3-store.ts";

/** A loopback S3 server for tests and how to stop it. */
export interface TestS3 {
  name: "s3rver" | "moto";
  settings: S3Settings;
  stop(): Promise<void>;
}

const creds = { region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** s3rver (npm) on 127.0.0.1: S3 API without Object Lock or conditional writes, so both are off for it. */
export async function startS3rver(bucket = "evidence"): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), "malachor-s3rver-"));
  const port = freePort();
  const server = new S3rver({ address: "127.0.0.1", port, silent: true, directory: dir });
  await server.run();
  return {
    name: "s3rver",
    settings: {
      endpoint: `http://127.0.0.1:${port}`,
      bucket,
      objectLock: false,
      conditionalWrites: false,
      ...creds,
    },
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether `moto_server` is on PATH. With `CI` set its absence is an error: CI must fail, never skip. */
export function motoAvailable(): boolean {
  const found = Bun.which("moto_server") !== null;
  if (!found && process.env.CI)
    throw new Error("CI: moto_server is required on PATH (Python moto) and missing");
  return found;
}

/** moto_server on 127.0.0.1 (versioning, Object Lock COMPLIANCE and If-None-Match on PUT, like S3). */
export async function startMoto(bucket = "evidence"): Promise<TestS3> {
  const port = freePort();
  const proc = Bun.spawn(["moto_server", "-H", "127.0.0.1", "-p", String(port)], {
    stdout: "ignore",
    stderr: "ignore",
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill();
      throw new Error(`moto_server did not start on ${endpoint}`);
    }
    await Bun.sleep(100);
  }
  return {
    name: "moto",
    settings: {
      endpoint,
      bucket,
      objectLock: true,
      conditionalWrites: true,
      region: "us-east-1",
      accessKeyId: "testing",
      secretAccessKey: "testing",
    },
    async stop() {
      proc.kill();
      await proc.exited;
    },
  };
}
