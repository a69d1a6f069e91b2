# The appliance ISO: the appliance system (nix/appliance.nix) as a bootable hybrid ISO image,
# written to the thin client's internal flash or booted from USB.
{ modulesPath, ... }:

{
  imports = [
    (modulesPath + "/installer/cd-dvd/iso-image.nix")
    ./appliance.nix
  ];

  isoImage = {
    # Not "MALACHOR-CFG": the provisioning stick must never be confused with the boot medium.
    volumeID = "MALACHOR-OS";
    makeEfiBootable = true;
    makeUsbBootable = true;
  };
}
