# Evaluates nix/module.nix with nixpkgs' module system but without the rest of NixOS, so the
# option types, defaults and generated units can be checked where nixpkgs cannot be downloaded.
# Only nixpkgs' `lib` is needed (e.g. a checkout of nixpkgs.lib):
#
#   nix-instantiate --eval --strict --json nix/eval-module.nix --arg lib 'import /path/to/lib' \
#     --arg settings '{ cloud.url = "https://c.example"; }'
#
# The NixOS options the module sets (systemd, users, …) are declared here as free-form values.
{ lib, settings ? { }, provisioning ? false }:

let
  free = lib.mkOption { type = lib.types.attrsOf lib.types.anything; default = { }; };
  pkg = name: { inherit name; outPath = "/nix/store/00000000000000000000000000000000-${name}"; type = "derivation"; };
  stubPkgs = {
    iproute2 = pkg "iproute2";
    util-linux = pkg "util-linux";
    coreutils = pkg "coreutils";
    nftables = pkg "nftables";
    iptables = pkg "iptables";
    openssh = pkg "openssh";
    chrony = pkg "chrony";
    formats.toml = { }: {
      # A store-path-like value that also carries what would be rendered (no store writes here).
      generate = name: value: {
        outPath = "/nix/store/${builtins.substring 0 32 (builtins.hashString "sha256" (builtins.toJSON value))}-${name}";
        renderedValue = value;
      };
    };
    callPackage = _: _: pkg "malachor";
  };
  evaluated = lib.evalModules {
    specialArgs = { pkgs = stubPkgs; };
    modules = [
      ./module.nix
      {
        options = {
          assertions = lib.mkOption { type = lib.types.listOf lib.types.anything; default = [ ]; };
          users = free;
          environment = free;
          networking = free;
          systemd = lib.mkOption {
            type = lib.types.submodule {
              freeformType = lib.types.attrsOf lib.types.anything;
              options.package = lib.mkOption { default = pkg "systemd"; };
            };
            default = { };
          };
        };
        config.services.malachor = {
          enable = true;
          inherit settings;
          provisioning.enable = provisioning;
        };
      }
    ];
  };
  c = evaluated.config;
in
{
  failedAssertions = map (a: a.message) (lib.filter (a: !a.assertion) c.assertions);
  rendered = c.environment.etc."malachor/base.toml".source.renderedValue;
  etc = lib.mapAttrs (_: e: toString e.source) c.environment.etc;
  configFile = c.services.malachor.configFile;
  agent = c.systemd.services.malachor;
  provision = c.systemd.services.malachor-provision or null;
  firewall = c.networking.firewall.allowedTCPPorts;
}
