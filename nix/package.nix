# The `malachor` executable, compiled from source with `bun build --compile`.
#
# Why build from source rather than wrap a prebuilt dist/malachor: a NixOS appliance must be
# reproducible from the flake alone (dist/ is not in git, so a flake could not even see it), and
# the store path must follow the source. The npm dependencies come in as fixed-output
# derivations, one per tarball, hashed by the `integrity` field package-lock.json already holds
# (nixpkgs' importNpmLock), so there is no separate vendor hash to keep up to date. Our lockfile is
# written without `resolved` URLs (.npmrc omit-lockfile-registry-resolved), so the registry URL is
# reconstructed here from name and version, exactly as npm itself does.
#
# The compiler is the Bun that package-lock.json pins (@oven/bun-linux-x64, the version dev and
# CI use), not nixpkgs' bun whose version differs: `bun build --compile` copies the running Bun
# into the output, so the appliance runs exactly the runtime the tests ran on. Its ELF interpreter
# is pointed at Nix's glibc first. The x64 (AVX2) build suits the HP T640's Ryzen R1505G.
{ lib
, buildNpmPackage
, importNpmLock
, patchelf
, stdenv
}:

let
  root = ../.;
  packageJson = lib.importJSON (root + "/package.json");
  lock = lib.importJSON (root + "/package-lock.json");

  # `node_modules/@scope/name` or `…/node_modules/name` → the package name.
  nameOf = path: m: m.name or (lib.last (lib.splitString "node_modules/" path));
  withResolved = path: m:
    if path == "" || m ? resolved || !(m ? integrity) || !(m ? version) then m
    else
      let name = nameOf path m;
      in m // { resolved = "https://registry.npmjs.org/${name}/-/${lib.last (lib.splitString "/" name)}-${m.version}.tgz"; };
  packageLock = lock // { packages = lib.mapAttrs withResolved lock.packages; };

  # What the agent's import graph reaches (it shares a few modules with cloud/, e.g. the SMTP
  # client); docs, tests' data and nix/ itself stay out so editing them does not rebuild.
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      (root + "/package.json")
      (root + "/package-lock.json")
      (root + "/tsconfig.json")
      (root + "/bunfig.toml")
      (root + "/agent")
      (root + "/protocol")
      (root + "/cloud")
      (lib.fileset.maybeMissing (root + "/runbooks"))
    ];
  };
in
buildNpmPackage {
  pname = "malachor";
  inherit (packageJson) version;
  inherit src;

  npmDeps = importNpmLock { npmRoot = src; inherit packageLock; };
  npmConfigHook = importNpmLock.npmConfigHook;
  # Install scripts (bun's own postinstall, playwright…) would reach for the network.
  npmRebuildFlags = [ "--ignore-scripts" ];

  nativeBuildInputs = [ patchelf ];

  buildPhase = ''
    runHook preBuild
    bun=node_modules/@oven/bun-linux-x64/bin/bun
    patchelf --set-interpreter "$(cat ${stdenv.cc}/nix-support/dynamic-linker)" "$bun"
    "$bun" build agent/src/main.ts --compile --bytecode \
      --bytecode-order=agent/bytecode-order/run.order,agent/bytecode-order/status.order --outfile dist/malachor
    runHook postBuild
  '';

  doInstallCheck = true;
  installCheckPhase = ''
    $out/bin/malachor --version | grep -q "malachor ${packageJson.version}"
  '';

  installPhase = ''
    runHook preInstall
    install -Dm755 dist/malachor $out/bin/malachor
    runHook postInstall
  '';

  # The compiled program is the Bun runtime with our bundle embedded in it: stripping or
  # rewriting the ELF would cut the bundle off.
  dontStrip = true;
  dontPatchELF = true;

  meta = {
    description = "Malachor appliance agent: HIPAA drift detection, healing and signed evidence";
    mainProgram = "malachor";
    platforms = [ "x86_64-linux" ];
  };
}
