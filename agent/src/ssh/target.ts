/**
 * The hosts the appliance inspects: itself (local commands) or a Linux/macOS machine over SSH.
 * Both are reached through the same `Host` interface (agent/src/checks/host.ts), so a check never
 * knows which one it runs on.
 */
import type { Config } from "../config/schema.ts";

/** One `[[ssh.hosts]]` entry as configured. */
export type SshHostConfig = Config["ssh"]["hosts"][number];

/** The operating systems with a check set over SSH. */
export type RemoteOs = SshHostConfig["os"];

/**
 * How a target authenticates: a key or password file read at connect (config), or a credential
 * synced from the cloud and held only in memory (a closure, so it is never logged or serialised).
 */
export type SshAuth =
  | { kind: "key"; keyFile: string }
  | { kind: "password"; passwordFile: string }
  | { kind: "key-in-memory"; privateKey: () => string; passphrase?: () => string }
  | { kind: "password-in-memory"; password: () => string };

/** How to reach and authenticate to one SSH host; a secret is read (file) or called (memory) only at connect. */
export interface SshTarget {
  /** Name used in findings and pins (the configured host). */
  name: string;
  host: string;
  port: number;
  user: string;
  os: RemoteOs;
  auth: SshAuth;
  /** Fingerprint (`SHA256:…`) to require instead of pinning on first use. */
  hostKey?: string;
}

/** Where checks run: the appliance itself, or an SSH target. */
export type HostTarget = { kind: "local"; name: string } | ({ kind: "ssh" } & SshTarget);

/** The SSH targets of a config, in config order. */
export function sshTargets(config: Pick<Config, "ssh">): SshTarget[] {
  return config.ssh.hosts.map(sshTarget);
}

/** One config entry as a target (the schema guarantees exactly one of key and password). */
export function sshTarget(h: SshHostConfig): SshTarget {
  return {
    name: h.host,
    host: h.host,
    port: h.port,
    user: h.user,
    os: h.os,
    auth: h.key_file
      ? { kind: "key", keyFile: h.key_file }
      : { kind: "password", passwordFile: h.password_file as string },
    ...(h.host_key ? { hostKey: h.host_key } : {}),
  };
}
