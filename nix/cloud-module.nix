# NixOS module: `services.malachor-cloud` runs the Malachor cloud (cloud/src/main.ts under Bun) as
# a hardened systemd service, with optional local Postgres (owner and service roles), TLS from
# certificate files, and a nightly pg_dump. Secrets (S3 keys, ADMIN_TOKEN, ALERT_*) go in
# `environmentFile`, never in the Nix store. See docs/deploy.md.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption mkEnableOption mkIf types;
  cfg = config.services.malachor-cloud;
  localDb = cfg.database.createLocally;
  env = {
    HOST = cfg.host;
    PORT = toString cfg.port;
    DATA_DIR = "/var/lib/malachor-cloud";
    PUBLIC_URL = cfg.publicUrl;
    OBJECT_STORE = cfg.objectStore.kind;
  } // lib.optionalAttrs localDb {
    # Peer authentication over the local socket: each URL's user is the systemd user it runs as
    # (the service as malachor_service, migrations through the owner role's socket mapping).
    DATABASE_URL = "postgres://malachor_service@localhost/malachor?host=/run/postgresql";
    DATABASE_OWNER_URL = "postgres://malachor_owner@localhost/malachor?host=/run/postgresql";
  } // lib.optionalAttrs (cfg.objectStore.kind == "s3") {
    S3_ENDPOINT = cfg.objectStore.endpoint;
    S3_BUCKET = cfg.objectStore.bucket;
    S3_REGION = cfg.objectStore.region;
    S3_OBJECT_LOCK = "on";
  } // lib.optionalAttrs (cfg.tls.certFile != null) {
    TLS_CERT_FILE = cfg.tls.certFile;
    TLS_KEY_FILE = cfg.tls.keyFile;
  } // cfg.extraEnvironment;
in
{
  options.services.malachor-cloud = {
    enable = mkEnableOption "the Malachor cloud";
    package = mkOption {
      type = types.package;
      description = "A package whose `bin/malachor-cloud` runs cloud/src/main.ts (see docs/deploy.md).";
    };
    host = mkOption { type = types.str; default = "0.0.0.0"; description = "Address to listen on."; };
    port = mkOption { type = types.port; default = 8443; description = "Port to listen on."; };
    publicUrl = mkOption {
      type = types.strMatching "https://.*";
      description = "The URL appliances and browsers use (https; HSTS and Secure cookies follow from it).";
    };
    tls = {
      certFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        description = "PEM certificate chain (e.g. from security.acme); reloaded when it changes. Null: TLS ends at a proxy.";
      };
      keyFile = mkOption { type = types.nullOr types.path; default = null; description = "PEM private key."; };
    };
    database.createLocally = mkOption {
      type = types.bool;
      default = true;
      description = "Run Postgres on this host with the owner and service roles (else set DATABASE_URL and DATABASE_OWNER_URL in environmentFile).";
    };
    objectStore = {
      kind = mkOption { type = types.enum [ "s3" "dir" ]; default = "s3"; description = "S3 with Object Lock (production) or a local directory."; };
      endpoint = mkOption { type = types.nullOr types.str; default = null; description = "S3 endpoint URL (null: AWS)."; };
      bucket = mkOption { type = types.str; default = "malachor-evidence"; description = "Bucket, created with Object Lock if missing."; };
      region = mkOption { type = types.str; default = "us-east-1"; description = "S3 region."; };
    };
    environmentFile = mkOption {
      type = types.nullOr types.path;
      default = null;
      description = "KEY=value file with secrets: S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, ADMIN_TOKEN, SMTP_URL, ALERT_*.";
    };
    extraEnvironment = mkOption {
      type = types.attrsOf types.str;
      default = { };
      description = "Further non-secret settings (RETENTION_DAYS_*, ALERT_SLA_MINUTES, TRUSTED_PROXIES, …).";
    };
    backup = {
      enable = mkOption { type = types.bool; default = localDb; description = "Nightly pg_dump of the local database."; };
      directory = mkOption { type = types.str; default = "/var/backup/malachor-cloud"; description = "Where dumps go (copy them off the host)."; };
      keep = mkOption { type = types.ints.positive; default = 14; description = "Dumps kept."; };
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = (cfg.tls.certFile == null) == (cfg.tls.keyFile == null);
        message = "services.malachor-cloud.tls: certFile and keyFile go together";
      }
    ];

    users.users.malachor_service = { isSystemUser = true; group = "malachor-cloud"; };
    users.users.malachor_owner = { isSystemUser = true; group = "malachor-cloud"; };
    users.groups.malachor-cloud = { };

    services.postgresql = mkIf localDb {
      enable = true;
      ensureDatabases = [ "malachor" ];
      ensureUsers = [
        { name = "malachor_owner"; }
        { name = "malachor_service"; }
      ];
      # The cloud connects as the service role and migrates as the owner role (cloud/README.md).
      identMap = ''
        malachor malachor_service malachor_service
        malachor malachor_service malachor_owner
        malachor postgres postgres
      '';
      authentication = lib.mkAfter ''
        local malachor malachor_service,malachor_owner peer map=malachor
      '';
    };

    systemd.services.malachor-cloud = {
      description = "Malachor cloud";
      wantedBy = [ "multi-user.target" ];
      after = [ "network-online.target" ] ++ lib.optional localDb "postgresql.service";
      wants = [ "network-online.target" ];
      requires = lib.optional localDb "postgresql.service";
      environment = env;
      serviceConfig = import ./hardening.nix // {
        ExecStartPre = lib.optional localDb
          "+${pkgs.postgresql}/bin/psql -d malachor -c 'ALTER DATABASE malachor OWNER TO malachor_owner'";
        ExecStart = "${cfg.package}/bin/malachor-cloud";
        EnvironmentFile = lib.optional (cfg.environmentFile != null) cfg.environmentFile;
        User = "malachor_service";
        Group = "malachor-cloud";
        StateDirectory = "malachor-cloud";
        StateDirectoryMode = "0700";
        Restart = "always";
        RestartSec = "5s";
        # [ "" ] is systemd's "no capabilities"; an empty list would leave them all.
        CapabilityBoundingSet = if cfg.port < 1024 then [ "CAP_NET_BIND_SERVICE" ] else [ "" ];
        AmbientCapabilities = lib.optional (cfg.port < 1024) "CAP_NET_BIND_SERVICE";
        RestrictAddressFamilies = [ "AF_INET" "AF_INET6" "AF_UNIX" ];
        SystemCallFilter = [ "@system-service" "~@privileged" ];
      };
    };

    systemd.services.malachor-cloud-backup = mkIf cfg.backup.enable {
      description = "pg_dump of the Malachor cloud database";
      serviceConfig = {
        Type = "oneshot";
        User = "postgres";
        UMask = "0077";
      };
      script = ''
        mkdir -p ${cfg.backup.directory}
        f=${cfg.backup.directory}/malachor-$(date -u +%Y%m%dT%H%M%SZ).dump
        ${pkgs.postgresql}/bin/pg_dump -Fc -f "$f.part" malachor
        mv "$f.part" "$f"
        ls -1t ${cfg.backup.directory}/malachor-*.dump | tail -n +${toString (cfg.backup.keep + 1)} | xargs -r rm --
      '';
    };
    systemd.timers.malachor-cloud-backup = mkIf cfg.backup.enable {
      wantedBy = [ "timers.target" ];
      timerConfig = { OnCalendar = "*-*-* 02:30:00"; Persistent = true; RandomizedDelaySec = "15m"; };
    };
  };
}
