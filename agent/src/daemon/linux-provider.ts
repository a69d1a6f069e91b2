import type { CheckSettings } from "../checks/check.ts";
import type { Host } from "../checks/host.ts";
import { LINUX_CHECKS } from "../checks/linux/index.ts";
import { runChecks } from "../checks/run.ts";
import type { CheckProvider } from "./providers.ts";

/** The appliance's own Linux/NixOS checks as a provider. */
export function linuxProvider(host: Host, settings: CheckSettings, hostName: string): CheckProvider {
  return {
    name: "linux",
    collect: (ctx) =>
      runChecks(
        LINUX_CHECKS.filter((c) => !ctx.disabled.has(c.id)),
        { host, settings, hostName, timeoutMs: ctx.timeoutMs },
      ),
  };
}
