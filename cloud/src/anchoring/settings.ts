import { readFileSync } from "node:fs";
import * as v from "valibot";
import { TIERS, type Tier } from "../config.ts";
import { CommaList, parseEnvVars } from "../env-vars.ts";

/** Where checkpoints are anchored, for which tiers and how often. */
export interface AnchoringSettings {
  /** RFC 3161 TSA URL (null: no RFC 3161 anchoring). */
  tsaUrl: string | null;
  /** PEM CA certificates the TSA's certificate must chain to (empty: the token's own signer certificate only). */
  tsaCaPem: string;
  /** OpenTimestamps calendar URLs (empty: no OpenTimestamps anchoring). */
  calendars: string[];
  /** Minutes between anchors of a site's newest checkpoint, per tier; tiers not listed are not anchored. */
  periodMin: Partial<Record<Tier, number>>;
  /** How often pending OpenTimestamps attestations are asked for their upgrade. */
  upgradeEveryMin: number;
}

const Url = v.pipe(v.string(), v.url("must be a URL"));
const Minutes = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7 * 24 * 60));

const Env = v.object({
  ANCHOR_TSA_URL: v.optional(Url),
  ANCHOR_TSA_CA_FILE: v.optional(v.pipe(v.string(), v.minLength(1))),
  ANCHOR_OTS_CALENDARS: v.optional(v.pipe(CommaList, v.array(Url)), ""),
  ANCHOR_TIERS: v.optional(
    v.pipe(
      CommaList,
      v.transform((entries) =>
        Object.fromEntries(
          entries.map((x) => {
            const [tier, min] = x.split("=");
            return [tier, Number(min)];
          }),
        ),
      ),
      v.record(
        v.picklist(TIERS, `tiers are ${TIERS.join(", ")}`),
        v.pipe(Minutes, v.description("minutes between anchors")),
      ),
    ),
    "enterprise=60",
  ),
  ANCHOR_OTS_UPGRADE_MINUTES: v.optional(v.pipe(v.string(), v.transform(Number), Minutes), "60"),
});

/**
 * Anchoring variables: ANCHOR_TSA_URL (+ ANCHOR_TSA_CA_FILE), ANCHOR_OTS_CALENDARS (comma-separated
 * URLs), ANCHOR_TIERS (`tier=minutes,…`, default `enterprise=60`), ANCHOR_OTS_UPGRADE_MINUTES (60).
 * Opt-in: with neither a TSA nor a calendar the result is null and nothing leaves the machine.
 */
export function anchoringSettingsFromEnv(env: Record<string, string | undefined>): AnchoringSettings | null {
  const o = parseEnvVars("anchoring", Env, env);
  if (o.ANCHOR_TSA_CA_FILE && !o.ANCHOR_TSA_URL) {
    throw new Error("anchoring configuration: ANCHOR_TSA_CA_FILE needs ANCHOR_TSA_URL");
  }
  if (!o.ANCHOR_TSA_URL && o.ANCHOR_OTS_CALENDARS.length === 0) return null;
  let tsaCaPem = "";
  if (o.ANCHOR_TSA_CA_FILE) {
    try {
      tsaCaPem = readFileSync(o.ANCHOR_TSA_CA_FILE, "utf8");
    } catch (e) {
      throw new Error(`anchoring configuration: ANCHOR_TSA_CA_FILE: ${(e as Error).message}`);
    }
    if (!tsaCaPem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new Error("anchoring configuration: ANCHOR_TSA_CA_FILE holds no PEM certificate");
    }
  }
  return {
    tsaUrl: o.ANCHOR_TSA_URL ?? null,
    tsaCaPem,
    calendars: o.ANCHOR_OTS_CALENDARS,
    periodMin: o.ANCHOR_TIERS,
    upgradeEveryMin: o.ANCHOR_OTS_UPGRADE_MINUTES,
  };
}
