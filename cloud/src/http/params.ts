import * as v from "valibot";
import { Id } from "../../../protocol/common.ts";

/** Path parameters that are all ids, e.g. `idParams("siteId", "applianceId")` for `/…/:siteId/…/:applianceId`. */
export function idParams<const K extends string>(...names: K[]) {
  return v.object(Object.fromEntries(names.map((n) => [n, Id])) as Record<K, typeof Id>);
}
