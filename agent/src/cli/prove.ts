import { writeFileSync } from "node:fs";
import * as v from "valibot";
import { Hex64, Id } from "../../../protocol/common.ts";
import { ConsistencyProof, InclusionProof } from "../../../protocol/transparency.ts";
import { adminCall, adminTarget } from "./admin-api.ts";
import { parseCommandArgs } from "./args.ts";
import { CliError, type Command, EXIT } from "./command.ts";

export const proveUsage =
  "malachor evidence prove inclusion <siteId> (--bundle-hash <hex> | --appliance <id> --seq <n>) --out <proof.json> --checkpoint-out <latest.note>\n" +
  "malachor evidence prove consistency <siteId> --from <size> --out <proof.json> --checkpoint-out <latest.note>\n" +
  "  [--cloud <url>] [--token-file <file>]   (or MALACHOR_CLOUD_URL / MALACHOR_ADMIN_TOKEN)";

const CheckpointJson = v.object({ size: v.number(), note: v.string(), verifierKey: v.string() });

function count(value: string | undefined, flag: string): number {
  if (value === undefined || !/^(0|[1-9][0-9]{0,14})$/.test(value))
    throw new CliError(`${flag} "${value ?? ""}": must be a whole number\nusage: ${proveUsage}`);
  return Number(value);
}

function answer<T>(schema: v.GenericSchema<unknown, T>, json: unknown, what: string): T {
  const r = v.safeParse(schema, json);
  if (!r.success) throw new CliError(`the cloud's ${what} is malformed: ${r.issues[0].message}`, EXIT.failed);
  return r.output;
}

/**
 * `malachor evidence prove`: fetch an inclusion or consistency proof from the cloud (admin token)
 * against the site log's latest signed checkpoint, and write both for `evidence verify-proof`.
 * The proof is asked for at the checkpoint's size, so the two always agree.
 */
export async function proveCommand(args: string[], io: Parameters<Command["run"]>[1]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      cloud: { type: "string" },
      "token-file": { type: "string" },
      "bundle-hash": { type: "string" },
      appliance: { type: "string" },
      seq: { type: "string" },
      from: { type: "string" },
      out: { type: "string" },
      "checkpoint-out": { type: "string" },
    },
    proveUsage,
  );
  const [kind, siteArg, ...extra] = positionals;
  if ((kind !== "inclusion" && kind !== "consistency") || !siteArg || extra.length > 0)
    throw new CliError(`expected inclusion <siteId> or consistency <siteId>\nusage: ${proveUsage}`);
  const site = v.safeParse(Id, siteArg);
  if (!site.success) throw new CliError(`siteId "${siteArg}": ${site.issues[0].message}`);
  if (!values.out || !values["checkpoint-out"])
    throw new CliError(`--out and --checkpoint-out are required\nusage: ${proveUsage}`);
  const query = new URLSearchParams();
  if (kind === "inclusion") {
    const hash = values["bundle-hash"];
    if (hash !== undefined) {
      if (!v.is(Hex64, hash))
        throw new CliError(`--bundle-hash "${hash}": must be 64 lowercase hex characters`);
      query.set("bundleHash", hash);
    } else if (values.appliance !== undefined) {
      if (!v.is(Id, values.appliance))
        throw new CliError(`--appliance "${values.appliance}": not a valid id`);
      query.set("applianceId", values.appliance);
      query.set("seq", String(count(values.seq, "--seq")));
    } else {
      throw new CliError(`inclusion needs --bundle-hash, or --appliance and --seq\nusage: ${proveUsage}`);
    }
  } else {
    query.set("from", String(count(values.from, "--from")));
  }
  const { base, token } = adminTarget(values, proveUsage);
  const sitePath = `/api/sites/${site.output}/tlog`;
  const cp = answer(
    CheckpointJson,
    await adminCall(base, token, "GET", `${sitePath}/checkpoint?format=json`),
    "checkpoint",
  );
  query.set(kind === "inclusion" ? "treeSize" : "to", String(cp.size));
  const proof =
    kind === "inclusion"
      ? answer(InclusionProof, await adminCall(base, token, "GET", `${sitePath}/inclusion?${query}`), "proof")
      : answer(
          ConsistencyProof,
          await adminCall(base, token, "GET", `${sitePath}/consistency?${query}`),
          "proof",
        );
  writeFileSync(values.out, `${JSON.stringify(proof, null, 2)}\n`);
  writeFileSync(values["checkpoint-out"], cp.note);
  io.out(
    `wrote the ${kind} proof to ${values.out} and the checkpoint (${cp.size} leaves) to ${values["checkpoint-out"]}; ` +
      `check them with: malachor evidence verify-proof ${values.out} --checkpoint ${values["checkpoint-out"]} --key '${cp.verifierKey}'` +
      (kind === "consistency" ? " --old <the checkpoint you kept>" : ""),
  );
  return EXIT.ok;
}
