import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeSecretFile } from "../config/secret.ts";

/** Write a complete agent config for tests and benches into `dir`; returns its path. */
export function writeTestConfig(
  dir: string,
  opts: {
    cloudUrl?: string;
    apiKey?: string;
    publicKey?: string;
    bind?: string;
    ntpServers?: string[];
    extra?: string;
  } = {},
): string {
  mkdirSync(join(dir, "state"), { recursive: true, mode: 0o700 });
  if (opts.apiKey) writeSecretFile(join(dir, "api-key"), `${opts.apiKey}\n`);
  const path = join(dir, "config.toml");
  writeFileSync(
    path,
    [
      "[cloud]",
      `url = "${opts.cloudUrl ?? "http://127.0.0.1:9"}"`,
      'api_key_file = "api-key"',
      opts.publicKey ? `public_key = "${opts.publicKey}"` : "",
      "timeout_sec = 2",
      "[appliance]",
      'site_id = "site-a"',
      'appliance_id = "app-1"',
      'state_dir = "state"',
      'hostname = "appliance"',
      "[checks]",
      "interval_sec = 10",
      "timeout_sec = 2",
      `ntp_servers = ${JSON.stringify(opts.ntpServers ?? ["127.0.0.1:9"])}`,
      "[status]",
      `bind = "${opts.bind ?? "127.0.0.1:0"}"`,
      opts.extra ?? "",
    ].join("\n"),
  );
  return path;
}
