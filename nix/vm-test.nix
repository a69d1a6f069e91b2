# NixOS VM test (run with `nix build .#checks.x86_64-linux.vm-test`): boots the appliance system
# twice, without and with a provisioning stick, and checks the first-boot behaviour that needs no
# cloud: provisioning waits and retries while no cloud answers (the agent does not start early),
# a stick with a bad config fails with an error naming file, line and key and leaves nothing
# behind, and the agent unit keeps its sandbox. Enrollment against the real cloud is covered by
# the Bun tests in agent/src/provision/.
{ self, pkgs }:

let
  # A typo on line 5 (`intervl`): provisioning must name it and write nothing.
  badConfig = pkgs.writeText "config.toml" ''
    [cloud]
    url = "http://cloud.invalid:8080"

    [checks]
    intervl = 60
  '';
  # A vfat stick labelled like the real provisioning stick, holding malachor/config.toml.
  stick = pkgs.runCommand "malachor-cfg.img" { nativeBuildInputs = [ pkgs.dosfstools pkgs.mtools ]; } ''
    truncate -s 8M $out
    mkfs.vfat -n MALACHOR-CFG $out
    mmd -i $out ::/malachor
    mcopy -i $out ${badConfig} ::/malachor/config.toml
  '';
  appliance = { lib, ... }: {
    imports = [ self.nixosModules.malachor ./appliance.nix ];
    services.malachor.settings.cloud.url = "http://cloud.invalid:8080";
    services.malachor.provisioning.retrySec = 5;
    # qemu-vm replaces fileSystems with virtualisation.fileSystems: restate the stick's mount.
    virtualisation.fileSystems."/mnt/usb" = {
      device = "/dev/disk/by-label/MALACHOR-CFG";
      fsType = "vfat";
      options = [ "ro" "nofail" "x-systemd.device-timeout=5s" ];
    };
  };
in
{
  name = "malachor-appliance";

  nodes.fresh = appliance;
  nodes.badstick = { ... }: {
    imports = [ appliance ];
    virtualisation.qemu.options = [ "-drive file=${stick},format=raw,if=virtio,readonly=on" ];
  };

  testScript = ''
    start_all()

    with subtest("no stick, no cloud: provisioning retries, the agent waits"):
        fresh.wait_for_unit("multi-user.target")
        fresh.wait_until_succeeds("journalctl -u malachor-provision.service | grep -q 'retrying in 5 s'")
        fresh.succeed("systemctl show -p ActiveState malachor-provision.service | grep -q activating")
        fresh.fail("systemctl is-active malachor.service")
        fresh.fail("test -e /var/lib/malachor/config.toml")
        # The identity key may already exist (it is made before enrolling) but only for malachor.
        fresh.succeed("test ! -e /var/lib/malachor/identity.key || stat -c %a%U /var/lib/malachor/identity.key | grep -qx 600malachor")

    with subtest("bad config on the stick: clear error, nothing written"):
        badstick.wait_until_succeeds("systemctl is-failed malachor-provision.service")
        badstick.succeed("journalctl -u malachor-provision.service | grep -q 'config.toml:5: checks.intervl: unknown key'")
        badstick.fail("test -e /var/lib/malachor/config.toml")
        badstick.fail("ls -A /var/lib/malachor | grep -q tmp")

    with subtest("the agent unit is sandboxed"):
        # Two read-only capabilities and a JIT (no MemoryDenyWriteExecute) keep it above zero.
        score = float(fresh.succeed("systemd-analyze security --no-pager malachor.service | tail -1 | grep -o '[0-9]*\\.[0-9]'"))
        assert score <= 4.0, f"exposure {score} > 4.0"
        fresh.succeed("malachor --version")
  '';
}
