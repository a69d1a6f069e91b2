# NixOS module: `services.malachor` runs the Malachor agent as a hardened systemd service and,
# optionally, provisions the appliance on first boot (`malachor provision auto`).
#
# `settings` mirrors the agent's config file key for key: its options are generated from the
# agent's valibot schema (nix/options.nix, see nix/gen-options.ts), so a key the agent does not
# know cannot be set here, and nix/nix.test.ts fails when the two drift apart.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkEnableOption mkIf types literalExpression;
  cfg = config.services.malachor;
  described = import ./options.nix;
  toml = pkgs.formats.toml { };

  # Nix type of one generated leaf description.
  leafType = d:
    if d.type == "str" then types.str
    else if d.type == "bool" then types.bool
    else if d.type == "float" then types.number
    else if d.type == "int" then
      (if d ? min && d ? max then types.ints.between d.min d.max else types.int)
    else if d.type == "enum" then types.enum d.values
    else if d.type == "list" then types.listOf (leafType d.item)
    else types.anything;

  agentDefault = d:
    lib.optionalString (d ? default) " Agent default: `${builtins.toJSON d.default}`.";

  # Required keys inside a list item must be set (the item is useless without them); every other
  # key is nullable and left out of the file when null, so the agent's own default applies.
  mkLeaf = inList: path: d:
    mkOption ({
      type = if inList && d.required then leafType d else types.nullOr (leafType d);
      description = "`${path}` in the agent's config file.${agentDefault d}";
    } // lib.optionalAttrs (!(inList && d.required)) { default = null; });

  mkOptionsFrom = inList: prefix: attrs:
    lib.mapAttrs (name: d:
      let path = if prefix == "" then name else "${prefix}.${name}";
      in
      if d ? leaf then mkLeaf inList path d
      else if d ? listOf then
        mkOption {
          type = types.nullOr (types.listOf (types.submodule { options = mkOptionsFrom true "${path}[]" d.listOf; }));
          default = null;
          description = "`[[${path}]]` tables in the agent's config file.";
        }
      else mkOptionsFrom inList path d)
    attrs;

  # Drop unset (null) keys and the tables they leave empty, so the rendered file holds only what
  # the administrator chose.
  prune = value:
    if builtins.isAttrs value then
      lib.filterAttrs (_: v: v != null && v != { }) (lib.mapAttrs (_: prune) value)
    else if builtins.isList value then map prune value
    else value;

  settingsFile = toml.generate "malachor.toml" (prune cfg.settings);

  stateDir = if cfg.settings.appliance.state_dir != null then cfg.settings.appliance.state_dir else "/var/lib/malachor";

  statusPort =
    let bind = if cfg.settings.status.bind != null then cfg.settings.status.bind else "127.0.0.1:8710";
    in lib.toInt (lib.last (lib.splitString ":" bind));

  # Hardening shared by the agent and the provisioning service (the common part in hardening.nix).
  hardening = import ./hardening.nix // {
    User = "malachor";
    Group = "malachor";
    StateDirectory = lib.removePrefix "/var/lib/" stateDir;
    StateDirectoryMode = "0700";
    CapabilityBoundingSet = [ "" ];
    # AF_NETLINK: the runtime lists network interfaces (MAC lookup, status page bind).
    RestrictAddressFamilies = [ "AF_UNIX" "AF_INET" "AF_INET6" "AF_NETLINK" ];
    SystemCallFilter = [ "@system-service" "~@privileged" "~@resources" ];
  };
in
{
  options.services.malachor = {
    enable = mkEnableOption "the Malachor HIPAA compliance agent";

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = literalExpression "pkgs.callPackage ./package.nix { }";
      description = "The `malachor` package (the compiled agent binary).";
    };

    settings = mkOption {
      type = types.submodule { options = mkOptionsFrom false "" described; };
      default = { };
      example = literalExpression ''
        {
          cloud.url = "https://cloud.example.com";
          checks.interval_sec = 300;
          status.bind = "192.168.1.20:8710";
        }
      '';
      description = ''
        The agent's config file (TOML, snake_case keys), rendered to the Nix store. Cloud URL is
        `settings.cloud.url`, state dir `settings.appliance.state_dir` (must stay under
        /var/lib, where systemd's StateDirectory creates it), check interval
        `settings.checks.interval_sec`, status page address `settings.status.bind`.
        With provisioning enabled this is the base that `malachor provision` completes.
      '';
    };

    configFile = mkOption {
      type = types.str;
      default = if cfg.provisioning.enable then "${stateDir}/config.toml" else "${settingsFile}";
      defaultText = literalExpression
        ''if provisioning.enable then "<state dir>/config.toml" else <settings rendered to TOML>'';
      description = ''
        Config file the agent runs with. Defaults to `settings` rendered to TOML, or, with
        provisioning enabled, the file `malachor provision auto` writes into the state dir.
      '';
    };

    watchdogSec = mkOption {
      type = types.ints.between 10 3600;
      default = 120;
      description = "systemd watchdog: the agent must ping within this many seconds or is restarted.";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open the status page port (from `settings.status.bind`) in the firewall for the LAN.";
    };

    provisioning = {
      enable = mkEnableOption ''
        first-boot provisioning: `malachor provision auto` looks for malachor/config.toml on
        removable media, else claims this box's MAC address at the cloud with a fresh identity key
        and waits until a technician approves the claim whose key fingerprint the console shows
      '';
      mediaRoots = mkOption {
        type = types.listOf types.str;
        default = [ "/media" "/run/media" "/mnt/usb" ];
        description = "Where removable media are mounted; each is searched for malachor/config.toml.";
      };
      retrySec = mkOption {
        type = types.ints.between 5 86400;
        default = 30;
        description = "Seconds between attempts while the cloud is unreachable, has no registration for this MAC yet, or the claim waits for approval.";
      };
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = lib.hasPrefix "/var/lib/" stateDir;
        message = "services.malachor.settings.appliance.state_dir must be under /var/lib (systemd StateDirectory).";
      }
      {
        assertion = cfg.provisioning.enable
          || (cfg.settings.cloud.url != null && cfg.settings.appliance.site_id != null
            && cfg.settings.appliance.appliance_id != null);
        message = "services.malachor: set settings.cloud.url, settings.appliance.site_id and settings.appliance.appliance_id, or enable provisioning.";
      }
    ];

    users.users.malachor = {
      isSystemUser = true;
      group = "malachor";
      home = stateDir;
      description = "Malachor compliance agent";
    };
    users.groups.malachor = { };

    environment.systemPackages = [ cfg.package ];
    # `malachor` run by a person finds the agent's config at its default path either way; the
    # rendered settings are beside it (with provisioning they are the base it completes).
    environment.etc."malachor/config.toml".source = cfg.configFile;
    environment.etc."malachor/base.toml".source = settingsFile;

    networking.firewall.allowedTCPPorts = lib.optional cfg.openFirewall statusPort;

    systemd.services.malachor-provision = mkIf cfg.provisioning.enable {
      description = "Malachor appliance provisioning (removable media, then a claim by MAC approved in the dashboard)";
      wantedBy = [ "multi-user.target" ];
      before = [ "malachor.service" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" "local-fs.target" ];
      # Idempotent: on a provisioned appliance it only checks the files and exits.
      serviceConfig = hardening // {
        Type = "oneshot";
        RemainAfterExit = true;
        TimeoutStartSec = "infinity";
        # The key fingerprint a technician compares with the dashboard goes to the console too.
        StandardOutput = "journal+console";
        StandardError = "journal+console";
        ExecStart = lib.escapeShellArgs ([
          "${cfg.package}/bin/malachor" "provision" "auto"
          "--config" cfg.configFile
          "--base" "${settingsFile}"
          "--retry-sec" (toString cfg.provisioning.retrySec)
        ] ++ lib.concatMap (r: [ "--media" r ]) cfg.provisioning.mediaRoots);
      };
    };

    systemd.services.malachor = {
      description = "Malachor HIPAA compliance agent";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ] ++ lib.optional cfg.provisioning.enable "malachor-provision.service";
      requires = lib.optional cfg.provisioning.enable "malachor-provision.service";
      environment.MALACHOR_CONFIG = cfg.configFile;
      # What the Linux checks run (agent/src/checks/linux): ports, disks, firewall, sshd, time, units.
      path = [
        pkgs.iproute2
        pkgs.util-linux
        pkgs.coreutils
        pkgs.nftables
        pkgs.iptables
        pkgs.openssh
        pkgs.chrony
        config.systemd.package
      ];
      serviceConfig = hardening // {
        # Read-only inspection needs two capabilities and nothing more: CAP_NET_ADMIN to list the
        # firewall ruleset (nft / iptables-save), CAP_DAC_READ_SEARCH to read root-only config
        # such as sshd's (`sshd -T`). NoNewPrivileges still holds; no other capability exists.
        CapabilityBoundingSet = [ "CAP_NET_ADMIN" "CAP_DAC_READ_SEARCH" ];
        AmbientCapabilities = [ "CAP_NET_ADMIN" "CAP_DAC_READ_SEARCH" ];
        # READY=1 and WATCHDOG=1 come from the agent's own process (agent/src/daemon/sd-notify.ts).
        Type = "notify";
        NotifyAccess = "main";
        WatchdogSec = cfg.watchdogSec;
        ExecStart = lib.escapeShellArgs [ "${cfg.package}/bin/malachor" "run" "--config" cfg.configFile ];
        Restart = "always";
        RestartSec = "10s";
        # The audit-logging checks read the journal.
        SupplementaryGroups = [ "systemd-journal" ];
      };
      unitConfig.StartLimitIntervalSec = 0;
    };
  };
}
