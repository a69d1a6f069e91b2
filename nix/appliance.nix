# The appliance system: headless NixOS, booted from our ISO (nix/iso.nix) on an HP T640-class thin client. It
# runs the agent and, on first boot, provisions itself (nix/module.nix `provisioning`):
#
#   1. a USB stick labelled MALACHOR-CFG holding malachor/config.toml (mounted read-only at
#      /mnt/usb), else
#   2. a claim for this box's wired MAC address, which waits until a technician approves it in the
#      dashboard after comparing the key fingerprint shown on this console,
#
# with a fresh Ed25519 identity key, then enrolls. Provisioned state (config, identity key,
# API key, evidence queue) lives on the internal disk's partition labelled MALACHOR-STATE, so it
# survives reboots and ISO updates; without that partition provisioning refuses to start rather
# than spend a one-time enroll code on state that would vanish at the next boot.
{ lib, modulesPath, ... }:

{
  imports = [ (modulesPath + "/profiles/minimal.nix") ];

  fileSystems."/var/lib/malachor" = {
    device = "/dev/disk/by-label/MALACHOR-STATE";
    fsType = "ext4";
    options = [ "nofail" "x-systemd.device-timeout=30s" "nosuid" "nodev" "noexec" ];
  };

  # The provisioning stick: read-only, never executable, optional.
  fileSystems."/mnt/usb" = {
    device = "/dev/disk/by-label/MALACHOR-CFG";
    fsType = "auto";
    options = [ "ro" "nofail" "x-systemd.device-timeout=5s" "nosuid" "nodev" "noexec" ];
  };

  services.malachor = {
    enable = true;
    provisioning.enable = true;
    # The appliance sits on the clinic LAN; the status page is for clinic staff there.
    settings.status.bind = "0.0.0.0:8710";
    openFirewall = true;
  };

  systemd.services.malachor-provision = {
    wants = [ "mnt-usb.mount" ];
    after = [ "mnt-usb.mount" ];
    unitConfig.RequiresMountsFor = [ "/var/lib/malachor" ];
  };
  systemd.services.malachor.unitConfig.RequiresMountsFor = [ "/var/lib/malachor" ];

  networking = {
    hostName = "malachor";
    useDHCP = lib.mkDefault true;
    firewall.enable = true;
  };

  # Field techs log in with keys only (added by the MSP's own flake); no root login, no passwords.
  services.openssh = {
    enable = true;
    settings = {
      PermitRootLogin = "no";
      PasswordAuthentication = false;
      KbdInteractiveAuthentication = false;
    };
  };
  users.mutableUsers = false;

  services.timesyncd.enable = true;
  services.journald.extraConfig = ''
    SystemMaxUse=200M
  '';

  boot.kernel.sysctl = {
    "kernel.kptr_restrict" = 2;
    "kernel.dmesg_restrict" = 1;
    "net.ipv4.conf.all.accept_redirects" = 0;
    "net.ipv4.conf.all.send_redirects" = 0;
    "net.ipv6.conf.all.accept_redirects" = 0;
  };

  documentation.enable = false;
  system.stateVersion = "25.05";
}
