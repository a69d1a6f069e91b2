/**
 * The simulated Windows machine as a PowerShell host: the cmdlets and native programs the
 * runbooks use (BitLocker, Defender, firewall, hotfixes, services, registry, SMB, local users,
 * event logs, Windows Server Backup, VSS, net accounts, auditpol, usoclient) over WindowsState.
 */
import { randomInt, randomUUID } from "node:crypto";
import { getWinEvent } from "./events.ts";
import { GENERIC_CMDLETS } from "./ps/cmdlets.ts";
import { type Cmdlet, type CmdletCall, type NativeResult, type PsHost, param } from "./ps/interp.ts";
import {
  enumerate,
  member,
  PSDate,
  PSError,
  PSObject,
  PSTimeSpan,
  toBool,
  toNum,
  toStr,
  type Value,
} from "./ps/values.ts";
import { AUDIT_SUBCATEGORIES, type AuditSetting, REG, type WindowsState } from "./state.ts";

const date = (iso: string | null) => (iso ? new PSDate(Date.parse(iso)) : null);
const arg = (c: CmdletCall, ...names: string[]): Value => param(c, ...names) ?? c.positional[0] ?? null;
const guid = () => `{${randomUUID().toUpperCase()}}`;

/** A BitLocker numerical password: 8 groups of 6 digits, each a multiple of 11. */
function recoveryPassword(): string {
  return Array.from({ length: 8 }, () => String(randomInt(0, 65536) * 11).padStart(6, "0")).join("-");
}

function notFound(what: string): never {
  throw new PSError(what, "ObjectNotFound");
}

/** Build the PowerShell host for a state object (mutated in place by remediation cmdlets). */
export function windowsHost(state: WindowsState, user: string, now: () => number = Date.now): PsHost {
  const name = user.split("\\").pop() as string;
  const env: Record<string, string> = {
    COMPUTERNAME: state.hostname,
    USERNAME: name,
    USERDOMAIN: state.domain,
    SystemDrive: "C:",
    SystemRoot: "C:\\Windows",
    windir: "C:\\Windows",
    ProgramData: "C:\\ProgramData",
    TEMP: `C:\\Users\\${name}\\AppData\\Local\\Temp`,
    TMP: `C:\\Users\\${name}\\AppData\\Local\\Temp`,
  };
  const fileKey = (p: string) => Object.keys(state.files).find((k) => k.toLowerCase() === p.toLowerCase());
  const regKey = (p: string) => {
    const norm = p
      .replace(/^Registry::HKEY_LOCAL_MACHINE/i, "HKLM:")
      .replace(/^HKLM:(?!\\)/i, "HKLM:\\")
      .replace(/\\+$/, "");
    return Object.keys(state.registry).find((k) => k.toLowerCase() === norm.toLowerCase()) ?? norm;
  };
  const isReg = (p: string) => /^(HKLM:|Registry::)/i.test(p);

  const volume = (c: CmdletCall) => {
    const mp = toStr(arg(c, "MountPoint")) || "C:";
    const v = state.bitlocker.volumes.find(
      (x) => x.mountPoint.toLowerCase() === mp.replace(/\\$/, "").toLowerCase(),
    );
    if (!v) notFound(`Get-BitLockerVolume : BitLocker volume ${mp} was not found.`);
    return v;
  };
  const volumeObject = (v: WindowsState["bitlocker"]["volumes"][number]) =>
    new PSObject({
      MountPoint: v.mountPoint,
      VolumeType: v.volumeType ?? "OperatingSystem",
      AutoUnlockEnabled: v.autoUnlock ?? null,
      ProtectionStatus: v.protectionStatus,
      VolumeStatus: v.volumeStatus,
      EncryptionMethod: v.encryptionMethod,
      EncryptionPercentage: v.volumeStatus === "FullyEncrypted" ? 100 : 0,
      KeyProtector: v.keyProtectors.map(
        (k) =>
          new PSObject({
            KeyProtectorId: k.id,
            KeyProtectorType: k.type,
            RecoveryPassword: k.recoveryPassword ?? "",
          }),
      ),
    });
  const addRecovery = (v: WindowsState["bitlocker"]["volumes"][number]) => {
    v.keyProtectors.push({ id: guid(), type: "RecoveryPassword", recoveryPassword: recoveryPassword() });
  };

  const service = (c: CmdletCall) => {
    const name = toStr(arg(c, "Name"));
    const key = Object.keys(state.services).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!key) notFound(`Cannot find any service with service name '${name}'.`);
    return { key, svc: state.services[key] as WindowsState["services"][string] };
  };
  const serviceObject = (key: string, s: WindowsState["services"][string]) =>
    new PSObject({ Name: key, DisplayName: s.displayName, Status: s.status, StartType: s.startType });

  const localUser = (c: CmdletCall) => {
    const name = toStr(arg(c, "Name"));
    const u = state.users.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!u) notFound(`User ${name} was not found.`);
    return u;
  };

  const firewallProfiles = (c: CmdletCall) => {
    const names = enumerate(
      param(c, "Profile", "Name") ?? c.positional[0] ?? ["Domain", "Private", "Public"],
    ).map(toStr);
    return names.map((n) => {
      const key = (["Domain", "Private", "Public"] as const).find((p) => p.toLowerCase() === n.toLowerCase());
      if (!key)
        throw new PSError(
          `No MSFT_NetFirewallProfile objects found with property 'Name' equal to '${n}'.`,
          "ObjectNotFound",
        );
      return key;
    });
  };

  const cmdlets: Record<string, Cmdlet> = {
    ...GENERIC_CMDLETS,
    "get-bitlockervolume": (c) =>
      (param(c, "MountPoint") ?? c.positional[0])
        ? volumeObject(volume(c))
        : state.bitlocker.volumes.map(volumeObject),
    "enable-bitlocker": (c) => {
      const v = volume(c);
      if (v.protectionStatus === "On")
        throw new PSError(`Enable-BitLocker : BitLocker is already enabled on ${v.mountPoint}.`);
      if (param(c, "TpmProtector")) {
        if ((v.volumeType ?? "OperatingSystem") !== "OperatingSystem")
          throw new PSError(
            `Enable-BitLocker : The TPM protector can only be used with the operating system volume (${v.mountPoint}).`,
          );
        if (!state.tpmPresent)
          throw new PSError(
            "Enable-BitLocker : A compatible Trusted Platform Module (TPM) Security Device cannot be found on this computer.",
          );
        v.keyProtectors.push({ id: guid(), type: "Tpm" });
      } else if (param(c, "RecoveryPasswordProtector")) addRecovery(v);
      else
        throw new PSError(
          "Enable-BitLocker : Parameter set cannot be resolved using the specified named parameters.",
        );
      v.encryptionMethod = toStr(param(c, "EncryptionMethod")) || "XtsAes128";
      v.volumeStatus = "FullyEncrypted";
      v.protectionStatus = "On";
      return volumeObject(v);
    },
    "add-bitlockerkeyprotector": (c) => {
      const v = volume(c);
      if (!param(c, "RecoveryPasswordProtector"))
        throw new PSError("Add-BitLockerKeyProtector : only -RecoveryPasswordProtector is supported here");
      addRecovery(v);
      return volumeObject(v);
    },
    "remove-bitlockerkeyprotector": (c) => {
      const v = volume(c);
      const id = toStr(param(c, "KeyProtectorId"));
      const before = v.keyProtectors.length;
      v.keyProtectors = v.keyProtectors.filter((k) => k.id.toLowerCase() !== id.toLowerCase());
      if (v.keyProtectors.length === before)
        notFound(`Remove-BitLockerKeyProtector : key protector ${id} was not found.`);
      return volumeObject(v);
    },
    "backup-bitlockerkeyprotector": (c) => {
      const v = volume(c);
      const id = toStr(param(c, "KeyProtectorId"));
      const kp = v.keyProtectors.find((k) => k.id.toLowerCase() === id.toLowerCase());
      if (kp?.type !== "RecoveryPassword")
        notFound(`Backup-BitLockerKeyProtector : ${id} is not a recovery password protector.`);
      if (!v.adBackups.includes(kp.id)) v.adBackups.push(kp.id);
      return volumeObject(v);
    },
    "enable-bitlockerautounlock": (c) => {
      const v = volume(c);
      const system = state.bitlocker.volumes.find(
        (x) => (x.volumeType ?? "OperatingSystem") === "OperatingSystem",
      );
      if ((v.volumeType ?? "OperatingSystem") === "OperatingSystem")
        throw new PSError(
          "Enable-BitLockerAutoUnlock : Automatic unlocking is not available for the operating system volume.",
        );
      if (system?.protectionStatus !== "On")
        throw new PSError(
          "Enable-BitLockerAutoUnlock : BitLocker Drive Encryption must be enabled on the operating system volume to automatically unlock this volume.",
        );
      v.autoUnlock = true;
      return volumeObject(v);
    },
    "disable-bitlocker": (c) => {
      const v = volume(c);
      v.autoUnlock = undefined;
      Object.assign(v, {
        protectionStatus: "Off",
        volumeStatus: "FullyDecrypted",
        encryptionMethod: "None",
        keyProtectors: [],
      });
      return volumeObject(v);
    },
    "get-mpcomputerstatus": () => {
      const d = state.defender;
      const updated = Date.parse(d.signatureLastUpdated);
      return new PSObject({
        AMServiceEnabled: state.services.WinDefend?.status === "Running",
        AntivirusEnabled: d.antivirusEnabled,
        RealTimeProtectionEnabled: d.realTimeProtectionEnabled,
        AntivirusSignatureLastUpdated: new PSDate(updated),
        AntivirusSignatureAge: Math.floor((now() - updated) / 86_400_000),
        AntivirusSignatureVersion: d.signatureVersion,
      });
    },
    "set-mppreference": (c) => {
      const v = param(c, "DisableRealtimeMonitoring");
      if (v !== null) state.defender.realTimeProtectionEnabled = !toBool(v);
      return undefined;
    },
    "update-mpsignature": () => {
      if (!state.defender.updateSourceReachable) {
        throw new PSError(
          "Update-MpSignature : Virus and spyware definitions update was completed with errors. HRESULT 0x80070652",
        );
      }
      state.defender.signatureLastUpdated = new Date(now()).toISOString();
      const parts = state.defender.signatureVersion.split(".");
      parts[2] = String(Number(parts[2] ?? 0) + 1);
      state.defender.signatureVersion = parts.join(".");
      return undefined;
    },
    "get-netfirewallprofile": (c) =>
      firewallProfiles(c).map((p) => {
        const f = state.firewall[p];
        return new PSObject({
          Name: p,
          Enabled: f.enabled ? "True" : "False",
          DefaultInboundAction: f.defaultInboundAction,
        });
      }),
    "set-netfirewallprofile": (c) => {
      const enabled = param(c, "Enabled");
      const inbound = param(c, "DefaultInboundAction");
      for (const p of firewallProfiles(c)) {
        if (enabled !== null) state.firewall[p].enabled = toBool(enabled);
        if (inbound !== null) state.firewall[p].defaultInboundAction = toStr(inbound) as "Block";
      }
      return undefined;
    },
    "get-hotfix": () =>
      state.updates.hotfixes.map(
        (h) =>
          new PSObject({
            Source: state.hostname,
            Description: h.description,
            HotFixID: h.id,
            InstalledOn: date(h.installedOn),
          }),
      ),
    "get-service": (c) => {
      if (!(param(c, "Name") ?? c.positional[0]))
        return Object.entries(state.services).map(([k, s]) => serviceObject(k, s));
      const { key, svc } = service(c);
      return serviceObject(key, svc);
    },
    "set-service": (c) => {
      const { svc } = service(c);
      const st = param(c, "StartupType");
      if (st !== null) svc.startType = toStr(st) as "Manual";
      const status = param(c, "Status");
      if (status !== null) svc.status = toStr(status) as "Running";
      return undefined;
    },
    "start-service": (c) => {
      const { key, svc } = service(c);
      if (svc.startType === "Disabled") {
        throw new PSError(
          `Start-Service : Service '${svc.displayName} (${key})' cannot be started due to the following error: Cannot start service ${key} on computer '.'.`,
        );
      }
      svc.status = "Running";
      return undefined;
    },
    "stop-service": (c) => {
      service(c).svc.status = "Stopped";
      return undefined;
    },
    "test-path": (c) => {
      const p = toStr(arg(c, "Path", "LiteralPath"));
      if (isReg(p)) return regKey(p) in state.registry;
      return fileKey(p) !== undefined;
    },
    "get-itemproperty": (c) => {
      const p = toStr(arg(c, "Path", "LiteralPath"));
      const values = state.registry[regKey(p)];
      if (!values) notFound(`Get-ItemProperty : Cannot find path '${p}' because it does not exist.`);
      const name = param(c, "Name") ?? c.positional[1] ?? null;
      if (name !== null) {
        const n = toStr(name);
        const k = Object.keys(values).find((x) => x.toLowerCase() === n.toLowerCase());
        if (!k)
          throw new PSError(
            `Get-ItemProperty : Property ${n} does not exist at path ${p}.`,
            "InvalidArgument",
          );
        return new PSObject({ [k]: values[k] as Value, PSPath: p });
      }
      return new PSObject({ ...values, PSPath: p });
    },
    "get-itempropertyvalue": (c) => {
      const p = toStr(arg(c, "Path", "LiteralPath"));
      const values = state.registry[regKey(p)];
      const n = toStr(param(c, "Name") ?? c.positional[1] ?? null);
      const k = values && Object.keys(values).find((x) => x.toLowerCase() === n.toLowerCase());
      if (!values || !k)
        throw new PSError(
          `Get-ItemPropertyValue : Property ${n} does not exist at path ${p}.`,
          "InvalidArgument",
        );
      return values[k] as Value;
    },
    "set-itemproperty": (c) => {
      const p = toStr(arg(c, "Path", "LiteralPath"));
      const values = state.registry[regKey(p)];
      if (!values) notFound(`Set-ItemProperty : Cannot find path '${p}' because it does not exist.`);
      const n = toStr(param(c, "Name"));
      const k = Object.keys(values).find((x) => x.toLowerCase() === n.toLowerCase()) ?? n;
      const v = param(c, "Value");
      values[k] = typeof v === "number" ? v : toStr(v);
      return undefined;
    },
    "new-itemproperty": (c) => {
      const p = toStr(arg(c, "Path", "LiteralPath"));
      const values = state.registry[regKey(p)];
      if (!values) notFound(`New-ItemProperty : Cannot find path '${p}' because it does not exist.`);
      const n = toStr(param(c, "Name"));
      const exists = Object.keys(values).find((x) => x.toLowerCase() === n.toLowerCase());
      if (exists && !param(c, "Force"))
        throw new PSError(`New-ItemProperty : The property already exists.`, "ResourceExists");
      const v = param(c, "Value");
      const type = toStr(param(c, "PropertyType", "Type")).toLowerCase();
      values[exists ?? n] = type === "dword" || type === "qword" ? toNum(v) : toStr(v);
      return undefined;
    },
    "remove-itemproperty": (c) => {
      const p = toStr(arg(c, "Path", "LiteralPath"));
      const values = state.registry[regKey(p)];
      const n = toStr(param(c, "Name"));
      const k = values && Object.keys(values).find((x) => x.toLowerCase() === n.toLowerCase());
      if (!values || !k)
        throw new PSError(
          `Remove-ItemProperty : Property ${n} does not exist at path ${p}.`,
          "InvalidArgument",
        );
      delete values[k];
      return undefined;
    },
    "new-item": (c) => {
      const p = toStr(arg(c, "Path"));
      if (isReg(p)) state.registry[regKey(p)] ??= {};
      else state.files[fileKey(p) ?? p] ??= "";
      return undefined;
    },
    "remove-item": (c) => {
      const p = toStr(arg(c, "Path", "LiteralPath"));
      if (isReg(p)) {
        if (!(regKey(p) in state.registry))
          notFound(`Remove-Item : Cannot find path '${p}' because it does not exist.`);
        delete state.registry[regKey(p)];
      } else {
        const k = fileKey(p);
        if (k === undefined) notFound(`Remove-Item : Cannot find path '${p}' because it does not exist.`);
        delete state.files[k];
      }
      return undefined;
    },
    "get-smbserverconfiguration": () =>
      new PSObject({
        EnableSMB1Protocol: state.smb.enableSMB1Protocol,
        EnableSMB2Protocol: state.smb.enableSMB2Protocol,
        RequireSecuritySignature: state.smb.requireSecuritySignature,
      }),
    "set-smbserverconfiguration": (c) => {
      const v1 = param(c, "EnableSMB1Protocol");
      if (v1 !== null) state.smb.enableSMB1Protocol = toBool(v1);
      const sig = param(c, "RequireSecuritySignature");
      if (sig !== null) state.smb.requireSecuritySignature = toBool(sig);
      return undefined;
    },
    "get-localuser": (c) => {
      const toObj = (u: WindowsState["users"][number]) =>
        new PSObject({ Name: u.name, Enabled: u.enabled, SID: u.sid, Description: u.description });
      return (param(c, "Name") ?? c.positional[0]) ? toObj(localUser(c)) : state.users.map(toObj);
    },
    "disable-localuser": (c) => {
      localUser(c).enabled = false;
      return undefined;
    },
    "enable-localuser": (c) => {
      localUser(c).enabled = true;
      return undefined;
    },
    "get-eventlog": (c) => {
      if (!param(c, "List")) throw new PSError("Get-EventLog : only -List is supported by this host");
      return Object.entries(state.eventLogs).map(
        ([log, l]) =>
          new PSObject({
            Log: log,
            MaximumKilobytes: l.maximumKilobytes,
            OverflowAction: l.overflowAction,
            MinimumRetentionDays: l.minimumRetentionDays,
          }),
      );
    },
    "limit-eventlog": (c) => {
      for (const name of enumerate(param(c, "LogName") ?? c.positional[0] ?? null).map(toStr)) {
        const key = Object.keys(state.eventLogs).find((k) => k.toLowerCase() === name.toLowerCase());
        if (!key) notFound(`Limit-EventLog : The event log '${name}' on computer '.' does not exist.`);
        const log = state.eventLogs[key] as WindowsState["eventLogs"][string];
        const size = param(c, "MaximumSize");
        if (size !== null) {
          const bytes = toNum(size);
          if (bytes % 65536 !== 0 || bytes < 65536 || bytes > 4 * 1024 ** 3) {
            throw new PSError(
              "Limit-EventLog : The maximum size must be a multiple of 64 KB between 64 KB and 4 GB.",
              "InvalidArgument",
            );
          }
          log.maximumKilobytes = bytes / 1024;
        }
        const overflow = param(c, "OverflowAction");
        if (overflow !== null) log.overflowAction = toStr(overflow) as "OverwriteAsNeeded";
        const retention = param(c, "RetentionDays");
        if (retention !== null) log.minimumRetentionDays = toNum(retention);
      }
      return undefined;
    },
    "get-wbsummary": () => {
      if (!state.backup.installed) {
        throw new PSError(
          "Get-WBSummary : The term 'Get-WBSummary' is not recognized as the name of a cmdlet.",
          "ObjectNotFound",
        );
      }
      return new PSObject({
        LastSuccessfulBackupTime: date(state.backup.lastSuccessfulBackupTime),
        LastBackupResultHR: 0,
        LastBackupTarget: state.backup.targets[0] ?? "",
        NumberOfVersions: state.backup.versions,
      });
    },
    "get-ciminstance": (c) => {
      const cls = toStr(arg(c, "ClassName")).toLowerCase();
      const ns = toStr(param(c, "Namespace")).toLowerCase().replace(/\\/g, "/") || "root/cimv2";
      const cim = CIM_CLASSES[`${ns}:${cls}`];
      if (!cim)
        throw new PSError(`Get-CimInstance : Invalid class "${cls}" in namespace ${ns}`, "MetadataError");
      return cim(state);
    },
    "get-item": (c) => {
      const p = toStr(arg(c, "Path", "LiteralPath"));
      if (!isReg(p)) {
        if (fileKey(p) === undefined)
          notFound(`Get-Item : Cannot find path '${p}' because it does not exist.`);
        return new PSObject({ FullName: p, Name: p.split("\\").pop() ?? p });
      }
      const values = state.registry[regKey(p)];
      if (!values) notFound(`Get-Item : Cannot find path '${p}' because it does not exist.`);
      // A RegistryKey: Property lists the value names (PowerShell's registry provider).
      return new PSObject({
        Name: regKey(p),
        Property: Object.keys(values),
        ValueCount: Object.keys(values).length,
      });
    },
    "get-localgroupmember": (c) => {
      const name = toStr(arg(c, "Group", "Name"));
      const key = Object.keys(state.localGroups).find((k) => k.toLowerCase() === name.toLowerCase());
      if (!key) notFound(`Get-LocalGroupMember : Group ${name} was not found.`);
      return (state.localGroups[key] ?? []).map(
        (m) => new PSObject({ Name: m.name, ObjectClass: m.objectClass, PrincipalSource: m.principalSource }),
      );
    },
    "get-netfirewallrule": (c) => {
      const direction = toStr(param(c, "Direction"));
      const enabled = param(c, "Enabled");
      const action = toStr(param(c, "Action"));
      const name = param(c, "Name");
      return state.firewallRules
        .filter(
          (r) =>
            (direction === "" || direction.toLowerCase() === "inbound") &&
            (enabled === null || r.enabled === toBool(enabled)) &&
            (action === "" || r.action.toLowerCase() === action.toLowerCase()) &&
            (name === null || r.name.toLowerCase() === toStr(name).toLowerCase()),
        )
        .map(
          (r) =>
            new PSObject({
              Name: r.name,
              DisplayName: r.displayName,
              Enabled: r.enabled ? "True" : "False",
              Direction: "Inbound",
              Action: r.action,
            }),
        );
    },
    "get-netfirewallportfilter": (c) => {
      const rules = c.input.length ? c.input : enumerate(param(c, "AssociatedNetFirewallRule"));
      return rules.map((x) => {
        const r = state.firewallRules.find((y) => y.name === toStr(member(x, "Name")));
        if (!r) notFound(`Get-NetFirewallPortFilter : No rule ${toStr(member(x, "Name"))}.`);
        // LocalPort is "Any" or the list of ports/ranges, as on Windows.
        const ports = r.localPort === "Any" ? "Any" : r.localPort.split(",");
        return new PSObject({
          InstanceID: r.name,
          Protocol: r.protocol,
          LocalPort: ports,
          RemotePort: "Any",
        });
      });
    },
    "set-netfirewallrule": (c) => {
      const name = toStr(arg(c, "Name"));
      const r = state.firewallRules.find((y) => y.name.toLowerCase() === name.toLowerCase());
      if (!r)
        notFound(
          `Set-NetFirewallRule : No MSFT_NetFirewallRule objects found with property 'InstanceID' equal to '${name}'.`,
        );
      const enabled = param(c, "Enabled");
      if (enabled !== null) r.enabled = toBool(enabled);
      return undefined;
    },
    "get-scheduledtask": () =>
      state.scheduledTasks.map(
        (t) =>
          new PSObject({
            TaskName: t.taskName,
            TaskPath: t.taskPath,
            State: t.state,
            Actions: [new PSObject({ Execute: t.execute })],
          }),
      ),
    ...adCmdlets(state),
    "get-winevent": (c) => getWinEvent(state.events, c),
    "invoke-cimmethod": (c) => {
      const cls = toStr(param(c, "ClassName")).toLowerCase();
      const method = toStr(param(c, "MethodName")).toLowerCase();
      if (cls !== "win32_shadowcopy" || method !== "create")
        throw new PSError("Invoke-CimMethod : unsupported method", "InvalidArgument");
      const args = param(c, "Arguments");
      const vol = args instanceof PSObject ? toStr(args.get("Volume")) : "C:\\";
      const id = guid();
      state.backup.shadowCopies.push({ id, volume: vol, installDate: new Date(now()).toISOString() });
      if (state.services.VSS) state.services.VSS.status = "Running";
      return new PSObject({ ReturnValue: 0, ShadowID: id });
    },
  };

  return {
    cmdlets,
    env,
    now,
    native: (name, args) => nativeCommand(state, name, args, now),
    readFile: (p) => {
      const k = fileKey(p);
      return k === undefined ? undefined : state.files[k];
    },
    writeFile: (p, text) => {
      state.files[fileKey(p) ?? p] = text;
    },
    deleteFile: (p) => {
      const k = fileKey(p);
      if (k === undefined) return false;
      delete state.files[k];
      return true;
    },
  };
}

/** Get-CimInstance classes by "namespace:class" (lowercase). */
const CIM_CLASSES: Record<string, (state: WindowsState) => Value> = {
  "root/cimv2:win32_shadowcopy": (state) =>
    state.backup.shadowCopies.map(
      (s) => new PSObject({ ID: s.id, VolumeName: s.volume, InstallDate: date(s.installDate) }),
    ),
  "root/cimv2:win32_operatingsystem": (state) =>
    new PSObject({ Caption: state.caption, ProductType: state.productType, CSName: state.hostname }),
  "root/cimv2:win32_computersystem": (state) =>
    new PSObject({
      Name: state.hostname,
      Domain: `${state.domain.toLowerCase()}.local`,
      DomainRole: state.domainRole,
      PartOfDomain: state.domainRole !== 0 && state.domainRole !== 2,
    }),
  "root/cimv2:win32_service": (state) =>
    Object.entries(state.services).map(
      ([name, svc]) =>
        new PSObject({
          Name: name,
          DisplayName: svc.displayName,
          State: svc.status,
          StartMode: svc.startType === "Automatic" ? "Auto" : svc.startType,
          PathName: state.servicePaths[name] ?? `C:\\Windows\\system32\\svchost.exe -k ${name}`,
        }),
    ),
  "root/subscription:__filtertoconsumerbinding": (state) =>
    state.wmiSubscriptions.map(
      (w) =>
        new PSObject({
          Filter: `__EventFilter (Name = "${w.filter}")`,
          Consumer: `${w.consumerClass} (Name = "${w.consumer}")`,
        }),
    ),
};

/** The ActiveDirectory module's cmdlets over state.ad (a domain controller only). */
function adCmdlets(state: WindowsState): Record<string, Cmdlet> {
  const ad = (name: string) => {
    if (!state.ad)
      throw new PSError(
        `${name} : The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program.`,
        "ObjectNotFound",
      );
    return state.ad;
  };
  const userObject = (u: NonNullable<WindowsState["ad"]>["users"][number]) =>
    new PSObject({
      SamAccountName: u.samAccountName,
      Name: u.samAccountName,
      Enabled: u.enabled,
      LastLogonDate: date(u.lastLogonDate),
      PasswordLastSet: date(u.passwordLastSet),
    });
  // -Filter as the scripts write it: "*" or "Enabled -eq $true" / "Enabled -eq $false".
  const filter = (c: CmdletCall): ((enabled: boolean) => boolean) => {
    const f = toStr(param(c, "Filter")).trim();
    if (f === "*") return () => true;
    const m = /^Enabled\s+-eq\s+\$(true|false)$/i.exec(f);
    if (!m)
      throw new PSError(
        `Get-ADUser : this host understands -Filter * or 'Enabled -eq $true' only (got ${f})`,
      );
    return (enabled) => enabled === (m[1]?.toLowerCase() === "true");
  };
  return {
    "get-addefaultdomainpasswordpolicy": () => {
      const p = ad("Get-ADDefaultDomainPasswordPolicy").passwordPolicy;
      return new PSObject({
        MinPasswordLength: p.minPasswordLength,
        PasswordHistoryCount: p.passwordHistoryCount,
        ComplexityEnabled: p.complexityEnabled,
        MaxPasswordAge: new PSTimeSpan(p.maxPasswordAgeDays * 86_400_000),
        LockoutThreshold: p.lockoutThreshold,
        LockoutDuration: new PSTimeSpan(p.lockoutDurationMin * 60_000),
      });
    },
    "get-aduser": (c) => {
      const d = ad("Get-ADUser");
      const id = param(c, "Identity") ?? c.positional[0] ?? null;
      if (id !== null) {
        const u = d.users.find((x) => x.samAccountName.toLowerCase() === toStr(id).toLowerCase());
        if (!u) notFound(`Get-ADUser : Cannot find an object with identity: '${toStr(id)}'.`);
        return userObject(u);
      }
      const keep = filter(c);
      return d.users.filter((u) => keep(u.enabled)).map(userObject);
    },
    "get-adgroupmember": (c) => {
      const d = ad("Get-ADGroupMember");
      const id = toStr(arg(c, "Identity"));
      const key = Object.keys(d.groups).find((k) => k.toLowerCase() === id.toLowerCase());
      if (!key) notFound(`Get-ADGroupMember : Cannot find an object with identity: '${id}'.`);
      const seen = new Set<string>();
      const expand = (group: string): PSObject[] =>
        (d.groups[group] ?? []).flatMap((m) => {
          if (m.objectClass === "group" && param(c, "Recursive")) {
            if (seen.has(m.samAccountName)) return [];
            seen.add(m.samAccountName);
            return expand(m.samAccountName);
          }
          return [
            new PSObject({
              SamAccountName: m.samAccountName,
              Name: m.samAccountName,
              objectClass: m.objectClass,
            }),
          ];
        });
      return expand(key);
    },
    "get-adcomputer": () =>
      ad("Get-ADComputer").computers.map(
        (x) =>
          new PSObject({
            Name: x.name,
            PrimaryGroupID: x.isDomainController ? 516 : 515,
            "msLAPS-PasswordExpirationTime": x.lapsExpiry === null ? null : Date.parse(x.lapsExpiry),
            "ms-Mcs-AdmPwdExpirationTime": null,
            DNSHostName: x.dnsHostName ?? null,
            IPv4Address: x.ipv4Address ?? null,
            OperatingSystem: x.operatingSystem ?? null,
            OperatingSystemVersion: x.operatingSystemVersion ?? null,
            Enabled: x.enabled ?? true,
          }),
      ),
  };
}

const ok = (stdout: string): NativeResult => ({ stdout, exitCode: 0 });
const fail = (stderr: string, exitCode: number): NativeResult => ({ stdout: "", stderr, exitCode });

/** Native programs: hostname, whoami, net accounts, auditpol, wbadmin, usoclient. */
export function nativeCommand(
  state: WindowsState,
  name: string,
  args: string[],
  now: () => number,
): NativeResult | undefined {
  const lower = args.map((a) => a.toLowerCase());
  switch (name) {
    case "hostname":
      return ok(`${state.hostname}\r\n`);
    case "whoami":
      return ok(`${state.domain.toLowerCase()}\\svc-malachor\r\n`);
    case "net":
      if (lower[0] !== "accounts")
        return fail("The syntax of this command is:\r\n\r\nNET\r\n    [ ACCOUNTS | COMPUTER | ... ]\r\n", 1);
      return netAccounts(state, args.slice(1));
    case "auditpol":
      return auditpol(state, args);
    case "wbadmin":
      return wbadmin(state, lower, now);
    case "usoclient": {
      const verb = lower[0] ?? "";
      if (verb === "startinstall" && state.services.wuauserv?.startType !== "Disabled") {
        for (const u of state.updates.available) {
          state.updates.hotfixes.push({
            id: u.id,
            description: u.description,
            installedOn: new Date(now()).toISOString(),
          });
        }
        if (state.updates.available.length) state.registry[REG.rebootRequired] = {};
        state.updates.available = [];
        if (state.services.wuauserv) state.services.wuauserv.status = "Running";
      }
      // UsoClient reports nothing and exits 0 whether or not it did anything, as on Windows.
      return ok("");
    }
    default:
      return undefined;
  }
}

function netAccounts(state: WindowsState, args: string[]): NativeResult {
  const a = state.accounts;
  for (const raw of args) {
    const m = /^\/(\w+):(\w+)$/i.exec(raw);
    if (!m)
      return fail(
        `The option ${raw} is unknown.\r\n\r\nMore help is available by typing NET HELPMSG 3506.\r\n`,
        1,
      );
    const key = (m[1] as string).toLowerCase();
    const val = (m[2] as string).toLowerCase();
    const n = val === "unlimited" || val === "never" ? 0 : Number(val);
    if (Number.isNaN(n)) return fail(`You entered an invalid value for the ${raw} option.\r\n`, 1);
    if (key === "minpwlen") a.minPasswordLength = n;
    else if (key === "maxpwage") a.maxPasswordAgeDays = n;
    else if (key === "minpwage") a.minPasswordAgeDays = n;
    else if (key === "uniquepw") a.passwordHistory = n;
    else if (key === "lockoutthreshold") a.lockoutThreshold = n;
    else if (key === "lockoutduration") a.lockoutDurationMin = n;
    else if (key === "lockoutwindow") a.lockoutWindowMin = n;
    else return fail(`The option /${m[1]} is unknown.\r\n`, 1);
  }
  if (args.length) return ok("The command completed successfully.\r\n\r\n");
  const row = (label: string, v: string) => `${label.padEnd(54)}${v}`;
  return ok(
    [
      row("Force user logoff how long after time expires?:", "Never"),
      row("Minimum password age (days):", String(a.minPasswordAgeDays)),
      row("Maximum password age (days):", a.maxPasswordAgeDays ? String(a.maxPasswordAgeDays) : "Unlimited"),
      row("Minimum password length:", String(a.minPasswordLength)),
      row("Length of password history maintained:", a.passwordHistory ? String(a.passwordHistory) : "None"),
      row("Lockout threshold:", a.lockoutThreshold ? String(a.lockoutThreshold) : "Never"),
      row("Lockout duration (minutes):", String(a.lockoutDurationMin)),
      row("Lockout observation window (minutes):", String(a.lockoutWindowMin)),
      row("Computer role:", a.role),
      "The command completed successfully.",
      "",
    ].join("\r\n"),
  );
}

function auditpol(state: WindowsState, args: string[]): NativeResult {
  const opts = new Map<string, string>();
  for (const a of args) {
    const m = /^\/(\w+)(?::(.*))?$/.exec(a);
    if (!m) return fail(`Error 0x00000057 occurred:\r\nThe parameter is incorrect.\r\n`, 87);
    opts.set((m[1] as string).toLowerCase(), (m[2] ?? "").replace(/^"|"$/g, ""));
  }
  const names = (v: string | undefined) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim().replace(/^"|"$/g, ""))
      .filter(Boolean);
  const resolve = (n: string) =>
    Object.keys(AUDIT_SUBCATEGORIES).find((k) => k.toLowerCase() === n.toLowerCase());
  if (opts.has("get")) {
    const wanted = opts.has("category")
      ? Object.keys(AUDIT_SUBCATEGORIES)
      : names(opts.get("subcategory")).map(resolve);
    if (wanted.some((w) => w === undefined) || wanted.length === 0)
      return fail("Error 0x00000057 occurred:\r\nThe parameter is incorrect.\r\n", 87);
    const rows = (wanted as string[]).map(
      (k) =>
        `${state.hostname},System,${k},{${AUDIT_SUBCATEGORIES[k]}-69AE-11D9-BED3-505054503030},${state.audit[k] ?? "No Auditing"},`,
    );
    if (!opts.has("r"))
      return ok(
        `System audit policy\r\nCategory/Subcategory                      Setting\r\n${(wanted as string[]).map((k) => `  ${k.padEnd(40)}${state.audit[k]}`).join("\r\n")}\r\n`,
      );
    return ok(
      `Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting\r\n${rows.join("\r\n")}\r\n\r\n`,
    );
  }
  if (opts.has("set")) {
    const targets = names(opts.get("subcategory")).map(resolve);
    if (targets.length === 0 || targets.some((t) => t === undefined))
      return fail("Error 0x00000057 occurred:\r\nThe parameter is incorrect.\r\n", 87);
    for (const t of targets as string[]) {
      const cur = state.audit[t] ?? "No Auditing";
      let success = cur === "Success" || cur === "Success and Failure";
      let failure = cur === "Failure" || cur === "Success and Failure";
      if (opts.has("success")) success = opts.get("success")?.toLowerCase() === "enable";
      if (opts.has("failure")) failure = opts.get("failure")?.toLowerCase() === "enable";
      const next: AuditSetting =
        success && failure
          ? "Success and Failure"
          : success
            ? "Success"
            : failure
              ? "Failure"
              : "No Auditing";
      state.audit[t] = next;
    }
    return ok("The command was successfully executed.\r\n");
  }
  return fail("Error 0x00000057 occurred:\r\nThe parameter is incorrect.\r\n", 87);
}

function wbadmin(state: WindowsState, args: string[], now: () => number): NativeResult | undefined {
  if (!state.backup.installed) return undefined;
  if (args[0] !== "start" || args[1] !== "backup")
    return fail("ERROR - The command is not supported by this host.\r\n", 1);
  const target = args
    .find((a) => a.startsWith("-backuptarget:"))
    ?.split(":")
    .slice(1)
    .join(":")
    .toUpperCase();
  if (!target) return fail("ERROR - The -backupTarget parameter is required.\r\n", 1);
  if (!state.backup.targets.some((t) => t.toUpperCase() === target)) {
    return fail(`ERROR - The backup storage location ${target} is invalid or not reachable.\r\n`, 2);
  }
  const at = new Date(now()).toISOString();
  state.backup.lastSuccessfulBackupTime = at;
  state.backup.versions++;
  state.backup.shadowCopies.push({ id: guid(), volume: "C:\\", installDate: at });
  return ok(
    `wbadmin 1.0 - Backup command-line tool\r\nStarting backup operation to ${target}.\r\nThe backup operation successfully completed.\r\n`,
  );
}
