import { type CheckContext, type CheckOutcome, outcome } from "../check.ts";

const PROFILE = "/nix/var/nix/profiles/system";

/** NixOS: the running system generation is the one the MSP expects (no drift from the fleet config). */
export async function nixosGeneration({ host, settings }: CheckContext): Promise<CheckOutcome> {
  const want = settings.nixosExpectedGeneration;
  const expected = want === undefined ? "a NixOS system generation (any)" : `generation ${want}`;
  const link = await host.readLink(PROFILE);
  if (link === null) {
    const nixos = (await host.readFile("/etc/NIXOS")) !== null;
    return outcome("warn", expected, nixos ? `${PROFILE} missing` : "not a NixOS system", { nixos });
  }
  const m = /^system-(\d+)-link$/.exec(link);
  if (!m) return outcome("error", expected, `unexpected profile link ${link}`, { profile: link });
  const generation = Number(m[1]);
  const [current, installed] = await Promise.all([
    host.readLink("/run/current-system"),
    host.readLink(`/nix/var/nix/profiles/${link}`),
  ]);
  const running = current !== null && installed !== null && current === installed;
  const details = { generation, currentSystem: current, profileSystem: installed, running };
  if (want !== undefined && generation !== want) {
    return outcome("fail", expected, `generation ${generation}`, details);
  }
  if (!running) {
    return outcome(
      "warn",
      expected,
      `generation ${generation} installed but not running (switch or reboot pending)`,
      details,
    );
  }
  return outcome("pass", expected, `generation ${generation}`, details);
}
