import * as v from "valibot";
import { Id, ShortText } from "../../../protocol/common.ts";
import { SiteConfig } from "../../../protocol/sync.ts";
import { TIERS } from "../config.ts";

/** POST /api/sites body. */
export const SiteCreate = v.strictObject({
  id: Id,
  name: v.pipe(ShortText, v.minLength(1)),
  tier: v.picklist(TIERS),
});
export type SiteCreate = v.InferOutput<typeof SiteCreate>;

/** Site settings an admin edits; the version is assigned by the cloud. */
// Waivers come only from exceptions the clinic accepted (program/exceptions.ts), never from a config update.
export const SiteConfigInput = v.omit(SiteConfig, ["version", "waivers"]);
export type SiteConfigInput = v.InferOutput<typeof SiteConfigInput>;

/** A site as the admin API shows it. */
export const SiteView = v.strictObject({
  id: Id,
  name: v.string(),
  tier: v.picklist(TIERS),
  config: SiteConfig,
  createdAt: v.string(),
});
export type SiteView = v.InferOutput<typeof SiteView>;

/** GET /api/sites answer. */
export const SiteList = v.strictObject({ sites: v.array(SiteView) });
