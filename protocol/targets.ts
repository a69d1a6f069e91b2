/**
 * Targets entered in the cloud (hosts the appliance manages, with their credentials) and what the
 * appliance discovers on the clinic's network. Credentials travel only sealed (seal.ts) to the
 * appliance's X25519 key, which the appliance announces at checkin signed by its identity key.
 */
import * as v from "valibot";
import { canonicalBytes } from "./canonical.ts";
import { Hex64, HostName, Id, NonNegInt, SignatureHex, Timestamp } from "./common.ts";
import { MacAddress } from "./provision.ts";
import { SealedSecret } from "./seal.ts";
import { sign, verify } from "./sign.ts";

const Port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65_535));
const UserName = v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(256));

/** A Windows host reached over WinRM (the same fields as a `[[windows.hosts]]` config entry). */
export const WindowsTargetSpec = v.strictObject({
  kind: v.literal("windows"),
  host: HostName,
  /** Default 5985 for http-ntlm, 5986 for https-basic. */
  port: v.optional(Port),
  transport: v.picklist(["http-ntlm", "https-basic"], 'must be "http-ntlm" or "https-basic"'),
  username: UserName,
  domain: v.optional(v.pipe(v.string(), v.maxLength(256))),
  role: v.optional(v.picklist(["server", "domain-controller", "workstation"])),
  /** SHA-256 fingerprint of the host's TLS certificate to pin (https-basic). */
  certFingerprint: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, "must be a SHA-256 hex fingerprint"),
    ),
  ),
});

/** A Linux or macOS host reached over SSH with a key. */
export const SshTargetSpec = v.strictObject({
  kind: v.literal("ssh"),
  host: HostName,
  port: v.optional(Port, 22),
  username: UserName,
  /** Which check set runs on it (as `[[ssh.hosts]] os`). */
  os: v.optional(v.picklist(["linux", "macos"], 'must be "linux" or "macos"'), "linux"),
  /** Host key to expect (OpenSSH `SHA256:…`); unset: the first key seen is pinned. */
  hostKeyFingerprint: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be an OpenSSH fingerprint like "SHA256:…"'),
    ),
  ),
});

/** What a target is, without its credential. */
export const TargetSpec = v.variant("kind", [WindowsTargetSpec, SshTargetSpec]);
export type TargetSpec = v.InferOutput<typeof TargetSpec>;

/** The plaintext inside a sealed credential: a Windows password or an SSH private key. */
export const TargetSecret = v.variant("kind", [
  v.strictObject({
    kind: v.literal("password"),
    password: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
  }),
  v.strictObject({
    kind: v.literal("ssh-key"),
    /** OpenSSH private key (PEM, `-----BEGIN OPENSSH PRIVATE KEY-----`). */
    privateKey: v.pipe(
      v.string(),
      v.maxLength(16_384),
      v.regex(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "must be an OpenSSH/PEM private key"),
    ),
    passphrase: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  }),
]);
export type TargetSecret = v.InferOutput<typeof TargetSecret>;

/** One target as delivered to one appliance: its spec and its credential sealed to that appliance. */
export const Target = v.strictObject({
  id: Id,
  spec: TargetSpec,
  /** Bumped on every rotation; part of the sealed credential's binding. */
  credentialVersion: v.pipe(NonNegInt, v.minValue(1)),
  credential: SealedSecret,
});
export type Target = v.InferOutput<typeof Target>;

/** GET /agent/sync `targets`: the site's targets for the calling appliance (signed by the cloud). */
export const TargetSet = v.strictObject({
  siteId: Id,
  applianceId: Id,
  version: NonNegInt,
  targets: v.pipe(v.array(Target), v.maxLength(2_000)),
});
export type TargetSet = v.InferOutput<typeof TargetSet>;

/**
 * The appliance's X25519 sealing key, announced at checkin and signed by its Ed25519 identity key
 * so the cloud seals only to a key that identity vouched for.
 */
export const SealKeyAnnouncement = v.strictObject({ publicKey: Hex64, signature: SignatureHex });
export type SealKeyAnnouncement = v.InferOutput<typeof SealKeyAnnouncement>;

const announcementBytes = (publicKey: string) => canonicalBytes({ purpose: "malachor-seal-key", publicKey });

/** Sign a sealing public key with the identity key. */
export function announceSealKey(publicKey: string, identitySecretKeyHex: string): SealKeyAnnouncement {
  return { publicKey, signature: sign(announcementBytes(publicKey), identitySecretKeyHex) };
}

/** True when the identity key signed this sealing key. */
export function verifySealKey(a: SealKeyAnnouncement, identityPublicKeyHex: string): boolean {
  return verify(announcementBytes(a.publicKey), a.signature, identityPublicKeyHex);
}

/** Where a device was seen. */
export const DeviceSource = v.picklist(["active-directory", "neighbour-table", "dhcp-lease", "probe"]);
export type DeviceSource = v.InferOutput<typeof DeviceSource>;

const IpAddress = v.pipe(
  v.string(),
  v.maxLength(45),
  v.check((s) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || /^[0-9a-fA-F:]+$/.test(s), "must be an IP address"),
);

/** One device as the appliance sees it now, merged over every source. */
export const Device = v.strictObject({
  mac: v.optional(MacAddress),
  addresses: v.pipe(v.array(IpAddress), v.maxLength(16)),
  names: v.pipe(v.array(HostName), v.maxLength(16)),
  osGuess: v.optional(v.pipe(v.string(), v.maxLength(200))),
  sources: v.pipe(v.array(DeviceSource), v.minLength(1)),
  openPorts: v.pipe(v.array(Port), v.maxLength(16)),
  /** When this appliance last saw it (first seen is kept by the cloud). */
  seenAt: Timestamp,
});
export type Device = v.InferOutput<typeof Device>;

/**
 * Address → the first name of the device holding it, over `devices` in order (a later device holding
 * the same address wins); devices without a name are left out. What pages show instead of addresses.
 */
export function addressNames(devices: readonly Pick<Device, "addresses" | "names">[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of devices) {
    const name = d.names[0];
    if (name) for (const a of d.addresses) out.set(a, name);
  }
  return out;
}

/** POST /agent/devices: what discovery found in one pass. */
export const DeviceReport = v.strictObject({
  observedAt: Timestamp,
  devices: v.pipe(v.array(Device), v.maxLength(4_096)),
});
export type DeviceReport = v.InferOutput<typeof DeviceReport>;
