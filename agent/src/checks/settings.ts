import type { Config } from "../config/schema.ts";
import type { CheckSettings } from "./check.ts";

/** Check settings from the config; the status page's own port counts as allowed when it faces the LAN. */
export function checkSettings(c: Config["checks"], bind: string): CheckSettings {
  const statusPort = Number(bind.slice(bind.lastIndexOf(":") + 1));
  const loopback = /^(127\.|\[::1\]|localhost)/.test(bind);
  const allowedPorts =
    loopback || c.allowed_ports.includes(statusPort) ? c.allowed_ports : [...c.allowed_ports, statusPort];
  return {
    ntpServers: c.ntp_servers,
    ntpMaxOffsetMs: c.ntp_max_offset_ms,
    allowedPorts,
    expectedServices: c.expected_services,
    diskMaxPercent: c.disk_max_percent,
    nixosExpectedGeneration: c.nixos_expected_generation,
  };
}
