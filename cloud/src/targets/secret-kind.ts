import type { TargetSecret, TargetSpec } from "../../../protocol/targets.ts";
import { badRequest } from "../http/errors.ts";

/** A Windows target takes a password; an SSH target a key (or a password, where the site allows it). */
export function assertSecretFits(spec: TargetSpec, secret: TargetSecret): void {
  if (spec.kind === "windows" && secret.kind !== "password")
    throw badRequest("secret: a Windows target takes a password");
}

/** What an audit row may say about a credential: its kind, never its value or a hash of it. */
export function auditArgs(spec: TargetSpec | null, secret: TargetSecret): Record<string, unknown> {
  return { ...(spec ? { spec } : {}), secretKind: secret.kind };
}
