# systemd sandboxing shared by the agent's units (module.nix) and the cloud's (cloud-module.nix).
# Bun's JIT needs writable+executable memory, so MemoryDenyWriteExecute stays off.
{
  UMask = "0077";
  NoNewPrivileges = true;
  ProtectSystem = "strict";
  ProtectHome = true;
  PrivateTmp = true;
  PrivateDevices = true;
  ProtectKernelTunables = true;
  ProtectKernelModules = true;
  ProtectKernelLogs = true;
  ProtectControlGroups = true;
  ProtectClock = true;
  ProtectHostname = true;
  ProtectProc = "invisible";
  RestrictSUIDSGID = true;
  RestrictRealtime = true;
  RestrictNamespaces = true;
  LockPersonality = true;
  RemoveIPC = true;
  SystemCallArchitectures = "native";
  MemoryDenyWriteExecute = false;
}
