/** `malachor run` plug-in: Windows checks for every `[[windows.hosts]]` entry. */
import { RUNBOOKS } from "../../../runbooks/index.ts";
import type { Plugin } from "../daemon/plugins.ts";
import { WindowsExecutors } from "../winrm/hosts.ts";
import { windowsCheckProvider } from "./windows-checks.ts";

/** Adds the Windows CheckProvider when Windows hosts are configured. */
export function windowsPlugin(): Plugin {
  return ({ config }) => {
    if (config.windows.hosts.length === 0) return {};
    const executors = new WindowsExecutors(config.windows.hosts);
    const all = () => config.windows.hosts.map((h) => executors.get(h.host)).filter((e) => e !== undefined);
    return { providers: [windowsCheckProvider({ runbooks: RUNBOOKS, executors: all })] };
  };
}
