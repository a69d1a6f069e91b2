{
  description = "Malachor: HIPAA compliance appliance agent, its NixOS module and the appliance ISO";

  # Pinned by flake.lock once `nix flake lock` runs on a machine with network access.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.05";

  outputs = { self, nixpkgs }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
    in
    {
      packages.${system} = {
        malachor = pkgs.callPackage ./nix/package.nix { };
        default = self.packages.${system}.malachor;
        iso = self.nixosConfigurations.appliance.config.system.build.isoImage;
      };

      nixosModules.malachor = { pkgs, lib, ... }: {
        imports = [ ./nix/module.nix ];
        services.malachor.package = lib.mkDefault self.packages.${pkgs.stdenv.hostPlatform.system}.malachor;
      };
      nixosModules.default = self.nixosModules.malachor;
      # The cloud (docs/deploy.md): services.malachor-cloud.
      nixosModules.cloud = import ./nix/cloud-module.nix;

      nixosConfigurations.appliance = nixpkgs.lib.nixosSystem {
        inherit system;
        modules = [ self.nixosModules.malachor ./nix/iso.nix ];
      };

      checks.${system} = {
        malachor = self.packages.${system}.malachor;
        vm-test = pkgs.testers.runNixOSTest (import ./nix/vm-test.nix { inherit self pkgs; });
      };

      formatter.${system} = pkgs.nixfmt-rfc-style;
    };
}
