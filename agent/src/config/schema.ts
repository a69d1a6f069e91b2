/**
 * The agent's config file schema (TOML, snake_case keys), in one place. Each section is a named
 * constant so adding one (e.g. [heal], [notify]) is one `const` plus one line in `ConfigFile`.
 * Relative paths are resolved against the config file's directory by load.ts (see PATH_KEYS). The
 * keys `malachor status` reads are defined in fields.ts (its path loads only those).
 */
import * as v from "valibot";
import { Hex64, HostName, Slug } from "../../../protocol/common.ts";
import { plainHttpProblem } from "../cloud-client/plain-http.ts";
import { ApplianceCore, int, Path, Port, QueueSection, StatusSection } from "./fields.ts";

export const CloudSection = v.pipe(
  v.strictObject({
    /** Base URL of the cloud service, e.g. https://cloud.example.com */
    url: v.pipe(v.string(), v.url("must be a URL like https://cloud.example.com")),
    /** File holding the appliance's API key (Bearer token), mode 0600. */
    api_key_file: v.optional(Path, "/var/lib/malachor/api-key"),
    /** The cloud's order-signing Ed25519 public key (64 hex); orders are refused without it. */
    public_key: v.optional(Hex64),
    /** Per-request timeout towards the cloud. */
    timeout_sec: v.optional(int(1, 300), 15),
    /** Allow plain http:// to a non-loopback cloud (off: such a URL is refused). */
    allow_plain_http: v.optional(v.boolean(), false),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = plainHttpProblem(dataset.value.url, dataset.value.allow_plain_http);
    if (problem) {
      addIssue({
        message: problem,
        path: [
          { type: "object", origin: "value", input: dataset.value, key: "url", value: dataset.value.url },
        ],
      });
    }
  }),
);

export const ApplianceSection = v.strictObject({
  ...ApplianceCore,
  /** Ed25519 identity key (64 hex secret seed), mode 0600; default <state_dir>/identity.key. */
  identity_key_file: v.optional(Path),
  /** Name used for this host in findings; default the system hostname. */
  hostname: v.optional(HostName),
  /**
   * Demos and tests only: a host profile (TOML, agent/src/checks/profile-host.ts) the Linux checks
   * and discovery read instead of this machine, and runbooks on the appliance itself are refused.
   * Unset (production): the real host.
   */
  host_profile: v.optional(Path),
});

export const ChecksSection = v.strictObject({
  interval_sec: v.optional(int(10, 86_400), 60),
  /**
   * How cycles become evidence: "changes" (the default) signs a daily snapshot and the changes,
   * quiet cycles batched (bundle v2); "full" signs every cycle's findings (bundle v1), for a cloud
   * that does not read v2 bundles yet.
   */
  evidence: v.optional(v.picklist(["full", "changes"]), "changes"),
  /** With evidence = "changes": a full snapshot at least this often. */
  snapshot_interval_sec: v.optional(int(3_600, 30 * 86_400), 86_400),
  /** With evidence = "changes": cycles without change are batched into one bundle this long at most. */
  quiet_flush_sec: v.optional(int(60, 86_400), 3_600),
  /** A check that runs longer than this yields status "error". */
  timeout_sec: v.optional(int(1, 600), 10),
  disabled: v.optional(v.array(Slug), []),
  /** SNTP servers asked by linux.time-sync ("host" or "host:port"). */
  ntp_servers: v.optional(v.array(v.pipe(v.string(), v.minLength(1))), [
    "0.pool.ntp.org",
    "1.pool.ntp.org",
    "2.pool.ntp.org",
  ]),
  /** Largest tolerated clock offset against the NTP servers. */
  ntp_max_offset_ms: v.optional(int(1, 3_600_000), 500),
  /** TCP/UDP ports allowed to listen on non-loopback addresses. */
  allowed_ports: v.optional(v.array(Port), [22]),
  /** systemd units that must be active. */
  expected_services: v.optional(v.array(v.pipe(v.string(), v.minLength(1))), [
    "sshd.service",
    "systemd-journald.service",
  ]),
  /** Fail linux.disk-space at or above this usage percent (warn 5 points below). */
  disk_max_percent: v.optional(int(1, 100), 90),
  /** NixOS system generation the appliance should run; unset means "report only". */
  nixos_expected_generation: v.optional(int(1, 1_000_000)),
});

export const LogSection = v.strictObject({
  level: v.optional(v.picklist(["debug", "info", "warn", "error"]), "info"),
});

export const WindowsHost = v.pipe(
  v.strictObject({
    host: HostName,
    /** Default 5985 for http-ntlm, 5986 for https-basic. */
    port: v.optional(Port),
    transport: v.picklist(["http-ntlm", "https-basic"], 'must be "http-ntlm" or "https-basic"'),
    username: v.pipe(v.string(), v.minLength(1)),
    password_file: Path,
    domain: v.optional(v.string()),
    /** What the host is; detected over WinRM at each scan when unset. A workstation may be off. */
    role: v.optional(v.picklist(["server", "domain-controller", "workstation"])),
    /** SHA-256 fingerprint (hex, colons allowed) of the host's TLS certificate to pin. */
    cert_fingerprint: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, "must be a SHA-256 hex fingerprint"),
      ),
    ),
  }),
  v.transform((h) => ({ ...h, port: h.port ?? (h.transport === "http-ntlm" ? 5985 : 5986) })),
);

export const WindowsSection = v.strictObject({
  hosts: v.optional(v.array(WindowsHost), []),
  /** Seconds between scans of a server; unset: every check cycle (a host is scanned at most once per cycle). */
  server_interval_sec: v.optional(int(10, 86_400)),
  /** Seconds between scans of a domain controller; unset: every check cycle. */
  domain_controller_interval_sec: v.optional(int(10, 86_400)),
  /** Seconds between scans of a workstation (also how soon one that was off is tried again); unset: every cycle. */
  workstation_interval_sec: v.optional(int(10, 86_400)),
});

/** OpenSSH's host key fingerprint form, `SHA256:` and 43 unpadded base64 characters. */
export const SshHostKeyFingerprint = v.pipe(
  v.string(),
  v.regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be an OpenSSH fingerprint like "SHA256:…" (ssh-keygen -lf)'),
);

export const SshHost = v.pipe(
  v.strictObject({
    host: HostName,
    port: v.optional(Port, 22),
    user: v.pipe(
      v.string(),
      v.minLength(1),
      v.regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, "must be a user name"),
    ),
    /** Which check set runs on it. */
    os: v.picklist(["linux", "macos"], 'must be "linux" or "macos"'),
    /** OpenSSH private key (Ed25519), mode 0600; the appliance authenticates with it. */
    key_file: v.optional(Path),
    /** Password file, mode 0600; only where `[ssh] allow_password` is true. */
    password_file: v.optional(Path),
    /** Host key to expect; unset: the first key seen is pinned (and recorded as evidence). */
    host_key: v.optional(SshHostKeyFingerprint),
  }),
  v.check(
    (h) => (h.key_file === undefined) !== (h.password_file === undefined),
    "set exactly one of key_file and password_file",
  ),
);

export const SshSection = v.pipe(
  v.strictObject({
    hosts: v.optional(v.array(SshHost), []),
    /** Password authentication is refused unless the site allows it here. */
    allow_password: v.optional(v.boolean(), false),
    /** SSH sessions the appliance holds open at once, over all hosts. */
    max_concurrent: v.optional(int(1, 256), 8),
    /** Seconds to reach a host and finish the handshake and authentication. */
    connect_timeout_sec: v.optional(int(1, 300), 10),
    /** Seconds one scan script or runbook step may run on a host. */
    command_timeout_sec: v.optional(int(1, 3600), 60),
    /** Largest scan output accepted from one host; past it the scan is an error. */
    max_output_bytes: v.optional(int(4096, 268_435_456), 8_388_608),
  }),
  v.check(
    (s) => s.allow_password || s.hosts.every((h) => h.password_file === undefined),
    "a host has password_file but [ssh] allow_password is false",
  ),
);

export const HealSection = v.strictObject({
  /** Ask the cloud's L2 planner about drift no L1 rule covers (otherwise it goes to people). */
  l2: v.optional(v.boolean(), true),
  /** Lowest L2 plan confidence applied without a person. */
  min_confidence: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 0.8),
  /** Largest runbook blast radius an L2 plan may apply without a person. */
  max_blast_radius: v.optional(v.picklist(["low", "medium", "high"]), "low"),
  /** Per-script time limit of a runbook run. */
  runbook_timeout_sec: v.optional(int(5, 3600), 120),
  /** Cycles in a row with every check of a host in error before a monitoring incident opens. */
  unmonitored_after_cycles: v.optional(int(1, 1000), 3),
});

/** Where incidents (L3) are announced besides the cloud. */
export const NotifySection = v.strictObject({
  /** POSTed JSON, signed with HMAC-SHA256 (x-malachor-signature: sha256=…, over "<timestamp>.<body>"). */
  webhooks: v.optional(
    v.array(v.strictObject({ url: v.pipe(v.string(), v.url("must be a URL")), secret_file: Path })),
    [],
  ),
  smtp: v.optional(
    v.strictObject({
      /** smtp://host[:port] (plain, LAN relay) or smtps://host[:port] (implicit TLS). */
      url: v.pipe(
        v.string(),
        v.regex(/^smtps?:\/\/[^/@\s]+$/, "must be smtp://host[:port] or smtps://host[:port]"),
      ),
      username: v.optional(v.pipe(v.string(), v.minLength(1))),
      password_file: v.optional(Path),
      from: v.pipe(v.string(), v.email("must be an e-mail address")),
      to: v.pipe(v.array(v.pipe(v.string(), v.email("must be an e-mail address"))), v.minLength(1)),
    }),
  ),
});

/** Finding the devices on the clinic's network (agent/src/discovery/): passive sources, then an optional probe. */
export const DiscoverySection = v.strictObject({
  enabled: v.optional(v.boolean(), true),
  /** Seconds between discovery passes (each rides the next check cycle). */
  interval_sec: v.optional(int(60, 86_400), 900),
  /** The kernel's IPv4 neighbour table; `ip -j neigh` is read besides it. */
  neighbour_file: v.optional(Path, "/proc/net/arp"),
  /** DHCP lease files read where they exist (dnsmasq or ISC dhcpd format, told apart by content). */
  lease_files: v.optional(v.array(Path), ["/var/lib/misc/dnsmasq.leases", "/var/lib/dhcp/dhcpd.leases"]),
  /** Read computer objects from Active Directory through the Windows hosts whose role is domain-controller (or unset). */
  active_directory: v.optional(v.boolean(), true),
  probe: v.optional(
    v.strictObject({
      /** Active TCP-connect probe of `subnets`: off unless turned on. */
      enabled: v.optional(v.boolean(), false),
      /** IPv4 CIDRs, each /20 or smaller. */
      subnets: v.optional(
        v.array(v.pipe(v.string(), v.regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "must be an IPv4 CIDR"))),
        [],
      ),
      ports: v.optional(v.array(Port), [22, 135, 445, 3389, 5985, 5986]),
      /** Connection attempts started per second. */
      rate_per_sec: v.optional(int(1, 1000), 20),
      timeout_ms: v.optional(int(50, 10_000), 800),
    }),
    {},
  ),
});

/** The whole config file. */
export const ConfigFile = v.strictObject({
  cloud: CloudSection,
  appliance: ApplianceSection,
  checks: v.optional(ChecksSection, {}),
  status: v.optional(StatusSection, {}),
  queue: v.optional(QueueSection, {}),
  log: v.optional(LogSection, {}),
  windows: v.optional(WindowsSection, {}),
  ssh: v.optional(SshSection, {}),
  heal: v.optional(HealSection, {}),
  notify: v.optional(NotifySection, {}),
  discovery: v.optional(DiscoverySection, {}),
});

/** A validated config, with defaults filled and paths made absolute. */
export type Config = v.InferOutput<typeof ConfigFile> & {
  appliance: { identity_key_file: string };
  /** Absolute path of the file this config came from. */
  source: string;
};

/** Keys holding file paths; load.ts resolves them against the config file's directory. */
export const PATH_KEYS = [
  "cloud.api_key_file",
  "appliance.state_dir",
  "appliance.identity_key_file",
  "appliance.host_profile",
  "windows.hosts[].password_file",
  "ssh.hosts[].key_file",
  "ssh.hosts[].password_file",
  "notify.webhooks[].secret_file",
  "notify.smtp.password_file",
  "discovery.neighbour_file",
] as const;

type AnySchema = v.GenericSchema & {
  entries?: Record<string, AnySchema>;
  wrapped?: AnySchema;
  item?: AnySchema;
  pipe?: AnySchema[];
};

function unwrap(s: AnySchema): AnySchema {
  if (s.wrapped) return unwrap(s.wrapped);
  if (s.pipe?.[0] && s.pipe[0] !== s) return unwrap(s.pipe[0]);
  return s;
}

function walk(s: AnySchema, prefix: string, out: string[]): void {
  const inner = unwrap(s);
  if (inner.entries) {
    for (const [k, child] of Object.entries(inner.entries)) walk(child, prefix ? `${prefix}.${k}` : k, out);
  } else if (inner.type === "array" && inner.item && unwrap(inner.item).entries) {
    walk(inner.item, `${prefix}[]`, out);
  } else {
    out.push(prefix);
  }
}

/**
 * Every leaf key of the config, dotted (`checks.interval_sec`, `windows.hosts[].port`). The NixOS
 * module's test compares its options with this list, so it is derived from the schema itself.
 */
export const CONFIG_KEYS: readonly string[] = (() => {
  const out: string[] = [];
  walk(ConfigFile as unknown as AnySchema, "", out);
  return out;
})();
