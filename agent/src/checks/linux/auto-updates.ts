import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";
import type { Host } from "../host.ts";

async function timerEnabled(host: Host, unit: string): Promise<string> {
  const r = await host.run(["systemctl", "is-enabled", unit]);
  return r.stdout.trim() || r.stderr.trim().split("\n")[0] || `exit ${r.code}`;
}

/** Security updates install automatically (NixOS autoUpgrade, Debian unattended-upgrades, dnf-automatic). */
export async function autoUpdates({ host }: CheckContext): Promise<CheckOutcome> {
  const expected = "an automatic update mechanism enabled";
  if ((await host.readFile("/etc/NIXOS")) !== null) {
    const state = await timerEnabled(host, "nixos-upgrade.timer");
    const details = { distro: "nixos", "nixos-upgrade.timer": state };
    return state === "enabled"
      ? outcome("pass", expected, "system.autoUpgrade timer enabled", details)
      : outcome("fail", expected, `nixos-upgrade.timer ${state}`, details);
  }
  const aptDir = await host.listDir("/etc/apt/apt.conf.d");
  if (aptDir !== null) {
    const texts = await Promise.all(aptDir.map((n) => host.readFile(`/etc/apt/apt.conf.d/${n}`)));
    const enabled = texts.some((t) => t && /APT::Periodic::Unattended-Upgrade\s+"1"/.test(t));
    const installed = (await host.readFile("/usr/bin/unattended-upgrade")) !== null;
    const details = { distro: "debian", unattendedUpgradesInstalled: installed, periodicEnabled: enabled };
    if (installed && enabled) return outcome("pass", expected, "unattended-upgrades enabled", details);
    return outcome(
      "fail",
      expected,
      installed ? "unattended-upgrades installed but not enabled" : "unattended-upgrades not installed",
      details,
    );
  }
  for (const unit of ["dnf-automatic-install.timer", "dnf-automatic.timer"]) {
    const state = await timerEnabled(host, unit);
    if (state === "enabled")
      return outcome("pass", expected, `${unit} enabled`, { distro: "rpm", [unit]: state });
  }
  return outcome("fail", expected, "no automatic update mechanism found", {});
}
