import { parseArgs } from "node:util";
import * as v from "valibot";
import { sha256Hex } from "../../../protocol/hash.ts";
import { ReleaseView } from "./schemas.ts";

/** What publishing a release binary needs. */
export interface PublishOptions {
  cloudUrl: string;
  adminToken: string;
  file: string;
  version: string;
  expiresInSec?: number;
}

async function call(o: PublishOptions, method: string, path: string, body?: BodyInit, json = true) {
  const res = await fetch(new URL(path, o.cloudUrl), {
    method,
    headers: {
      authorization: `Bearer ${o.adminToken}`,
      "content-type": json ? "application/json" : "application/octet-stream",
    },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

/**
 * Announce, upload (chunk by chunk) and publish a release binary through the admin API; returns
 * the published release with its signed metadata. Resumable: re-running skips nothing but
 * re-sends chunks, which the write-once store accepts as already present.
 */
export async function publishBinary(o: PublishOptions): Promise<ReleaseView> {
  const file = Bun.file(o.file);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sha256 = sha256Hex(bytes);
  const created = v.parse(
    ReleaseView,
    await call(
      o,
      "POST",
      "/api/releases",
      JSON.stringify({
        version: o.version,
        sha256,
        size: bytes.byteLength,
        ...(o.expiresInSec ? { expiresInSec: o.expiresInSec } : {}),
      }),
    ),
  );
  for (let i = 0; i < created.chunks; i++) {
    const part = bytes.subarray(i * created.chunkSize, (i + 1) * created.chunkSize);
    await call(o, "PUT", `/api/releases/${o.version}/chunks/${i}`, part, false);
  }
  return v.parse(ReleaseView, await call(o, "POST", `/api/releases/${o.version}/publish`));
}

if (import.meta.main) {
  const usage =
    "usage: bun cloud/src/update/client.ts --cloud <url> --version <x.y.z> [--expires-in-sec N] <binary>\n" +
    "       (admin token in MALACHOR_ADMIN_TOKEN)";
  try {
    const { values, positionals } = parseArgs({
      options: {
        cloud: { type: "string" },
        version: { type: "string" },
        "expires-in-sec": { type: "string" },
      },
      allowPositionals: true,
    });
    const token = process.env.MALACHOR_ADMIN_TOKEN;
    if (!values.cloud || !values.version || positionals.length !== 1 || !token) throw new Error(usage);
    const r = await publishBinary({
      cloudUrl: values.cloud,
      adminToken: token,
      file: positionals[0]!,
      version: values.version,
      expiresInSec: values["expires-in-sec"] ? Number(values["expires-in-sec"]) : undefined,
    });
    console.log(
      `published ${r.version} (${r.size} bytes, sha256 ${r.sha256}); metadata expires ${r.signed?.payload.expiresAt}`,
    );
  } catch (e) {
    console.error(`publish: ${(e as Error).message}`);
    process.exit(1);
  }
}
