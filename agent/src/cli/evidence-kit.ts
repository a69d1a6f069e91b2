import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { adminRequest, adminTarget } from "./admin-api.ts";
import { flagCommand } from "./args.ts";
import { CliError, EXIT } from "./command.ts";

/** Usage of `malachor evidence kit`. */
export const kitUsage =
  "malachor evidence kit <siteId> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--out <file or dir>]\n" +
  "  [--cloud <url>] [--token-file <file>]   (or MALACHOR_CLOUD_URL / MALACHOR_ADMIN_TOKEN)";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `malachor evidence kit`: download a site's auditor's kit for whole UTC days [from, to) from the
 * cloud (the archive `python3 verify_kit.py` checks), saved under the name the cloud gives it.
 */
export const kitCommand = flagCommand(
  {
    name: "kit",
    summary: "download a site's auditor's kit for a period from the cloud",
    usage: kitUsage,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      out: { type: "string" },
      cloud: { type: "string" },
      "token-file": { type: "string" },
    },
  },
  async ({ values, positionals }, io) => {
    const [siteId, ...extra] = positionals;
    if (!siteId || extra.length > 0) throw new CliError(`expected one siteId\nusage: ${kitUsage}`);
    for (const f of ["from", "to"] as const) {
      if (!values[f] || !DAY.test(values[f]))
        throw new CliError(`--${f} must be a date, YYYY-MM-DD\nusage: ${kitUsage}`);
    }
    const { base, token } = adminTarget(values, kitUsage);
    const query = new URLSearchParams({ from: values.from!, to: values.to! });
    const res = await adminRequest(
      base,
      token,
      "GET",
      `/api/sites/${encodeURIComponent(siteId)}/tlog/kit?${query}`,
    );
    const named = /filename="([^"/\\]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1];
    const name = named ?? `${siteId}-${values.from}-${values.to}.tar`;
    const bytes = new Uint8Array(await res.arrayBuffer());
    const out =
      values.out === undefined ? name : values.out.endsWith("/") ? join(values.out, name) : values.out;
    try {
      writeFileSync(out, bytes);
    } catch (e) {
      throw new CliError(`cannot write ${out}: ${(e as Error).message}`, EXIT.environment);
    }
    io.out(
      `saved ${out} (${bytes.length} bytes): extract it (tar -xf) and run python3 verify_kit.py --cloud-key <the cloud's key>`,
    );
    return EXIT.ok;
  },
);
