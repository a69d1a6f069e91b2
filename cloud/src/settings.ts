/**
 * The cloud's whole configuration, parsed once at start from the environment into one validated
 * object. Only main.ts reads the environment; every area receives its section from here.
 */
import * as v from "valibot";
import { type AlertSettings, parseAlertSettings } from "./alerts/settings.ts";
import { type AnchoringSettings, anchoringSettingsFromEnv } from "./anchoring/settings.ts";
import { MAX_RETENTION_DAYS } from "./config.ts";
import { parseEnvVars, together } from "./env-vars.ts";
import { parseTrustedProxies } from "./http/client-address.ts";
import { type LearningSettings, learningSettingsFromEnv } from "./learning/settings.ts";
import { type PlannerSettings, plannerSettingsFromEnv } from "./plan/settings.ts";
import { type RegulatorySettings, regulatorySettingsFromEnv } from "./regulatory/settings.ts";
import { RUNBOOK_CATALOGUE } from "./tools/runbook-catalogue.ts";
import { parseWebSettings, type WebSettings } from "./web/options.ts";

const Days = v.pipe(
  v.string(),
  v.transform(Number),
  v.integer(),
  v.minValue(1),
  v.maxValue(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days (6 years)`),
);

/** Core environment variables of the cloud (validated; a bad value stops start-up naming it). */
export const CloudEnv = v.object({
  PORT: v.optional(
    v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(0), v.maxValue(65535)),
    "8080",
  ),
  HOST: v.optional(v.string(), "127.0.0.1"),
  DATABASE_URL: v.optional(v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"))),
  DATABASE_OWNER_URL: v.optional(
    v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")),
  ),
  DATA_DIR: v.optional(v.string(), ".data/cloud"),
  OBJECT_STORE: v.optional(v.picklist(["dir", "s3"]), "dir"),
  S3_ENDPOINT: v.optional(v.pipe(v.string(), v.url())),
  S3_REGION: v.optional(v.string(), "us-east-1"),
  S3_BUCKET: v.optional(v.string(), "malachor-evidence"),
  S3_ACCESS_KEY_ID: v.optional(v.string()),
  S3_SECRET_ACCESS_KEY: v.optional(v.string()),
  S3_OBJECT_LOCK: v.optional(v.picklist(["on", "off"]), "on"),
  S3_CONDITIONAL_WRITES: v.optional(v.picklist(["on", "off"]), "on"),
  CLOUD_KEY_FILE: v.optional(v.string()),
  TLS_CERT_FILE: v.optional(v.pipe(v.string(), v.minLength(1))),
  TLS_KEY_FILE: v.optional(v.pipe(v.string(), v.minLength(1))),
  PUBLIC_URL: v.optional(v.pipe(v.string(), v.url())),
  ADMIN_TOKEN: v.optional(v.pipe(v.string(), v.minLength(24, "must be at least 24 characters"))),
  RETENTION_DAYS_ESSENTIAL: v.optional(Days),
  RETENTION_DAYS_PROFESSIONAL: v.optional(Days),
  RETENTION_DAYS_ENTERPRISE: v.optional(Days),
  CHECKPOINT_MINUTES: v.optional(
    v.pipe(
      v.string(),
      v.transform(Number),
      v.integer(),
      v.minValue(1),
      v.maxValue(1440, "must be at most 1440 (a day)"),
    ),
  ),
  TRUSTED_PROXIES: v.optional(
    v.pipe(
      v.string(),
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        try {
          return parseTrustedProxies(dataset.value);
        } catch (e) {
          addIssue({ message: (e as Error).message });
          return NEVER;
        }
      }),
    ),
    "",
  ),
});
export type CloudEnv = v.InferOutput<typeof CloudEnv>;

/** Parse the core variables, throwing one message naming every bad one. */
export function parseEnv(env: Record<string, string | undefined>): CloudEnv {
  const e = parseEnvVars("cloud", CloudEnv, env);
  together("cloud", e, "TLS_CERT_FILE", "TLS_KEY_FILE");
  return e;
}

/** Where the escrow key-encryption key comes from (read when first needed; see escrow/kek.ts). */
export type EscrowSource = {
  ESCROW_KEK_FILE?: string;
  ESCROW_KEK?: string;
};

/** Everything the cloud is configured with, one validated object. */
export interface CloudSettings {
  core: CloudEnv;
  web: WebSettings;
  planner: PlannerSettings;
  learning: LearningSettings;
  /** Null: Federal Register polling is off. */
  regulatory: RegulatorySettings | null;
  escrow: EscrowSource;
  alerts: AlertSettings;
  /** Null: checkpoints are not anchored externally. */
  anchoring: AnchoringSettings | null;
}

/**
 * Parse every area's variables from `env`. All problems are collected and thrown as one error,
 * each naming its variable, so one start-up attempt shows every mistake. Empty values are unset.
 */
export function loadSettings(given: Record<string, string | undefined>): CloudSettings {
  // An empty variable counts as unset, as compose's `${X:-}` and systemd environment files leave them.
  const env = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== ""));
  const problems: string[] = [];
  const section = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (e) {
      problems.push((e as Error).message);
      return undefined as T;
    }
  };
  const settings: CloudSettings = {
    core: section(() => parseEnv(env)),
    web: section(() => parseWebSettings(env)),
    planner: section(() => plannerSettingsFromEnv(env, RUNBOOK_CATALOGUE)),
    learning: section(() => learningSettingsFromEnv(env)),
    regulatory: section(() => regulatorySettingsFromEnv(env)),
    alerts: section(() => parseAlertSettings(env)),
    anchoring: section(() => anchoringSettingsFromEnv(env)),
    escrow: { ESCROW_KEK_FILE: env.ESCROW_KEK_FILE || undefined, ESCROW_KEK: env.ESCROW_KEK || undefined },
  };
  if (problems.length > 0) throw new Error(problems.join("; "));
  return settings;
}
