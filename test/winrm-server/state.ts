import { type EventLog, emptyLogs } from "./events.ts";

/**
 * Simulated Windows host state: plain JSON so tests and the demo can read it and inject drift
 * (POST /_sim/state merges a patch). The default is a typical unmanaged clinic server: every
 * HIPAA check the runbooks cover starts out drifted.
 */

export type AuditSetting = "No Auditing" | "Success" | "Failure" | "Success and Failure";

export interface WindowsState {
  hostname: string;
  domain: string;
  /** Win32_OperatingSystem.ProductType: 1 workstation, 2 domain controller, 3 server. */
  productType: 1 | 2 | 3;
  /** Win32_ComputerSystem.DomainRole: 0/1 workstation, 2/3 server, 4/5 domain controller. */
  domainRole: 0 | 1 | 2 | 3 | 4 | 5;
  caption: string;
  tpmPresent: boolean;
  bitlocker: {
    volumes: {
      mountPoint: string;
      /** Get-BitLockerVolume's VolumeType (default OperatingSystem); Removable is never required. */
      volumeType?: "OperatingSystem" | "FixedData" | "Removable";
      /** A data volume unlocked by the system volume at boot (Enable-BitLockerAutoUnlock). */
      autoUnlock?: boolean;
      protectionStatus: "On" | "Off";
      volumeStatus: "FullyEncrypted" | "FullyDecrypted" | "EncryptionInProgress";
      encryptionMethod: string;
      keyProtectors: { id: string; type: "Tpm" | "RecoveryPassword"; recoveryPassword?: string }[];
      /** Protector ids backed up to Active Directory. */
      adBackups: string[];
    }[];
  };
  defender: {
    realTimeProtectionEnabled: boolean;
    antivirusEnabled: boolean;
    signatureLastUpdated: string;
    signatureVersion: string;
    /** When false, Update-MpSignature fails as if the update source were unreachable. */
    updateSourceReachable: boolean;
  };
  firewall: Record<
    "Domain" | "Private" | "Public",
    { enabled: boolean; defaultInboundAction: "Block" | "Allow" | "NotConfigured" }
  >;
  updates: {
    hotfixes: { id: string; description: string; installedOn: string }[];
    /** Updates Windows Update would install on the next install pass. */
    available: { id: string; description: string }[];
  };
  services: Record<
    string,
    { displayName: string; status: "Running" | "Stopped"; startType: "Automatic" | "Manual" | "Disabled" }
  >;
  accounts: {
    minPasswordLength: number;
    maxPasswordAgeDays: number;
    minPasswordAgeDays: number;
    passwordHistory: number;
    lockoutThreshold: number;
    lockoutDurationMin: number;
    lockoutWindowMin: number;
    role: "PRIMARY" | "BACKUP" | "SERVER" | "WORKSTATION";
  };
  audit: Record<string, AuditSetting>;
  backup: {
    installed: boolean;
    lastSuccessfulBackupTime: string | null;
    targets: string[];
    versions: number;
    shadowCopies: { id: string; volume: string; installDate: string }[];
  };
  /** Registry keys (HKLM:\… paths) → value name → data. */
  registry: Record<string, Record<string, string | number>>;
  smb: { enableSMB1Protocol: boolean; enableSMB2Protocol: boolean; requireSecuritySignature: boolean };
  users: { name: string; enabled: boolean; sid: string; description: string }[];
  /** Local group → members (Get-LocalGroupMember). */
  localGroups: Record<string, { name: string; objectClass: "User" | "Group"; principalSource: string }[]>;
  /** Inbound firewall rules (Get-NetFirewallRule, Get-NetFirewallPortFilter). */
  firewallRules: {
    name: string;
    displayName: string;
    enabled: boolean;
    action: "Allow" | "Block";
    protocol: string;
    /** "Any" or port numbers/ranges. */
    localPort: string;
  }[];
  scheduledTasks: {
    taskName: string;
    taskPath: string;
    state: "Ready" | "Disabled" | "Running";
    execute: string;
  }[];
  /** Permanent WMI event subscriptions (root\subscription __FilterToConsumerBinding). */
  wmiSubscriptions: { filter: string; consumer: string; consumerClass: string }[];
  /** Executable path of each service (Win32_Service.PathName), by service name. */
  servicePaths: Record<string, string>;
  /** Active Directory, on a domain controller. */
  ad: {
    passwordPolicy: {
      minPasswordLength: number;
      passwordHistoryCount: number;
      complexityEnabled: boolean;
      maxPasswordAgeDays: number;
      lockoutThreshold: number;
      lockoutDurationMin: number;
    };
    users: {
      samAccountName: string;
      enabled: boolean;
      lastLogonDate: string | null;
      passwordLastSet: string;
    }[];
    groups: Record<string, { samAccountName: string; objectClass: "user" | "group" }[]>;
    computers: {
      name: string;
      isDomainController: boolean;
      lapsExpiry: string | null;
      /** Discovery reads these (Get-ADComputer -Properties DNSHostName, IPv4Address, OperatingSystem…). */
      dnsHostName?: string;
      ipv4Address?: string | null;
      operatingSystem?: string;
      operatingSystemVersion?: string;
      enabled?: boolean;
    }[];
  } | null;
  eventLogs: Record<
    string,
    {
      maximumKilobytes: number;
      overflowAction: "OverwriteAsNeeded" | "OverwriteOlder" | "DoNotOverwrite";
      minimumRetentionDays: number;
    }
  >;
  /** Event records by log name (Get-WinEvent); see events.ts. */
  events: Record<string, EventLog>;
  /** Files on the simulated disk, by Windows path (case-insensitive). */
  files: Record<string, string>;
}

const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

export const AUDIT_SUBCATEGORIES: Record<string, string> = {
  "Security System Extension": "0CCE9211",
  Logon: "0CCE9215",
  Logoff: "0CCE9216",
  "Account Lockout": "0CCE9217",
  "Special Logon": "0CCE921B",
  "Other Logon/Logoff Events": "0CCE921C",
  "Sensitive Privilege Use": "0CCE9228",
  "Audit Policy Change": "0CCE922F",
  "User Account Management": "0CCE9235",
  "Computer Account Management": "0CCE9236",
  "Security Group Management": "0CCE9237",
  "Other Account Management Events": "0CCE923A",
  "Credential Validation": "0CCE923F",
};

export const REG = {
  lsa: "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa",
  run: "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
  system: "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
  rdpTcp: "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp",
  terminalServer: "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server",
  rebootRequired:
    "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired",
};

type Volume = WindowsState["bitlocker"]["volumes"][number];

/** A volume BitLocker has never touched. */
export function clearVolume(mountPoint: string, volumeType: NonNullable<Volume["volumeType"]>): Volume {
  return {
    mountPoint,
    ...(volumeType === "OperatingSystem" ? {} : { volumeType }),
    protectionStatus: "Off",
    volumeStatus: "FullyDecrypted",
    encryptionMethod: "None",
    keyProtectors: [],
    adBackups: [],
  };
}

/** A fresh, drifted clinic file server. */
export function defaultState(hostname = "CLINIC-FS01"): WindowsState {
  return {
    hostname,
    domain: "CLINIC",
    productType: 3,
    domainRole: 3,
    caption: "Microsoft Windows Server 2019 Standard",
    tpmPresent: true,
    bitlocker: {
      volumes: [
        clearVolume("C:", "OperatingSystem"),
        // The clinic's data volume (its shares hold ePHI) and a USB stick nobody encrypts.
        clearVolume("D:", "FixedData"),
        clearVolume("E:", "Removable"),
      ],
    },
    defender: {
      realTimeProtectionEnabled: false,
      antivirusEnabled: true,
      signatureLastUpdated: days(12),
      signatureVersion: "1.405.112.0",
      updateSourceReachable: true,
    },
    firewall: {
      Domain: { enabled: true, defaultInboundAction: "Block" },
      Private: { enabled: false, defaultInboundAction: "Block" },
      Public: { enabled: false, defaultInboundAction: "Allow" },
    },
    updates: {
      hotfixes: [
        { id: "KB5034439", description: "Security Update", installedOn: days(95) },
        { id: "KB5036909", description: "Security Update", installedOn: days(61) },
      ],
      available: [{ id: "KB5041160", description: "Security Update" }],
    },
    services: {
      wuauserv: { displayName: "Windows Update", status: "Stopped", startType: "Disabled" },
      WinDefend: {
        displayName: "Microsoft Defender Antivirus Service",
        status: "Running",
        startType: "Automatic",
      },
      MpsSvc: { displayName: "Windows Defender Firewall", status: "Running", startType: "Automatic" },
      VSS: { displayName: "Volume Shadow Copy", status: "Stopped", startType: "Manual" },
      RemoteRegistry: { displayName: "Remote Registry", status: "Running", startType: "Automatic" },
      Spooler: { displayName: "Print Spooler", status: "Running", startType: "Automatic" },
    },
    accounts: {
      minPasswordLength: 0,
      maxPasswordAgeDays: 42,
      minPasswordAgeDays: 0,
      passwordHistory: 0,
      lockoutThreshold: 0,
      lockoutDurationMin: 30,
      lockoutWindowMin: 30,
      role: "SERVER",
    },
    audit: Object.fromEntries(
      Object.keys(AUDIT_SUBCATEGORIES).map((k) => [
        k,
        k === "Logon" || k === "Credential Validation" ? "Success" : "No Auditing",
      ]),
    ),
    backup: {
      installed: true,
      lastSuccessfulBackupTime: days(16),
      targets: ["E:"],
      versions: 4,
      shadowCopies: [],
    },
    registry: {
      [REG.system]: { EnableLUA: 1, ConsentPromptBehaviorAdmin: 5 },
      [REG.rdpTcp]: { UserAuthentication: 0, SecurityLayer: 1, PortNumber: 3389 },
      [REG.terminalServer]: { fDenyTSConnections: 0 },
      [REG.rebootRequired]: {},
      [REG.lsa]: { LmCompatibilityLevel: 3, NoLMHash: 0, RestrictAnonymous: 0, RestrictAnonymousSAM: 1 },
      [REG.run]: { SecurityHealth: "C:\\Windows\\system32\\SecurityHealthSystray.exe" },
    },
    smb: { enableSMB1Protocol: true, enableSMB2Protocol: true, requireSecuritySignature: false },
    users: [
      {
        name: "Administrator",
        enabled: true,
        sid: "S-1-5-21-3623811015-3361044348-30300820-500",
        description: "Built-in account for administering the computer/domain",
      },
      {
        name: "Guest",
        enabled: true,
        sid: "S-1-5-21-3623811015-3361044348-30300820-501",
        description: "Built-in account for guest access to the computer/domain",
      },
      {
        name: "frontdesk",
        enabled: true,
        sid: "S-1-5-21-3623811015-3361044348-30300820-1001",
        description: "",
      },
    ],
    localGroups: {
      Administrators: [
        { name: "CLINIC-FS01\\Administrator", objectClass: "User", principalSource: "Local" },
        { name: "CLINIC\\Domain Admins", objectClass: "Group", principalSource: "ActiveDirectory" },
      ],
    },
    firewallRules: [
      {
        name: "RemoteDesktop-UserMode-In-TCP",
        displayName: "Remote Desktop - User Mode (TCP-In)",
        enabled: true,
        action: "Allow",
        protocol: "TCP",
        localPort: "3389",
      },
      {
        name: "FPS-SMB-In-TCP",
        displayName: "File and Printer Sharing (SMB-In)",
        enabled: true,
        action: "Allow",
        protocol: "TCP",
        localPort: "445",
      },
      {
        name: "Vendor-Support-Any",
        displayName: "Vendor remote support (any port)",
        enabled: true,
        action: "Allow",
        protocol: "Any",
        localPort: "Any",
      },
    ],
    scheduledTasks: [
      {
        taskName: "ScheduledDefrag",
        taskPath: "\\Microsoft\\Windows\\Defrag\\",
        state: "Ready",
        execute: "%windir%\\system32\\defrag.exe",
      },
      { taskName: "EHR Sync", taskPath: "\\", state: "Ready", execute: "C:\\Program Files\\EHR\\sync.exe" },
    ],
    wmiSubscriptions: [],
    servicePaths: {
      wuauserv: "C:\\Windows\\system32\\svchost.exe -k netsvcs -p",
      WinDefend: '"C:\\ProgramData\\Microsoft\\Windows Defender\\platform\\MsMpEng.exe"',
    },
    ad: null,
    eventLogs: {
      Security: { maximumKilobytes: 20480, overflowAction: "OverwriteAsNeeded", minimumRetentionDays: 0 },
      Application: { maximumKilobytes: 20480, overflowAction: "OverwriteAsNeeded", minimumRetentionDays: 0 },
      System: { maximumKilobytes: 20480, overflowAction: "OverwriteAsNeeded", minimumRetentionDays: 0 },
    },
    events: emptyLogs(),
    files: {},
  };
}

/** A host where every check passes (for tests that need a clean baseline). */
export function compliantState(hostname = "CLINIC-DC01"): WindowsState {
  const s = defaultState(hostname);
  s.bitlocker.volumes[0] = {
    mountPoint: "C:",
    protectionStatus: "On",
    volumeStatus: "FullyEncrypted",
    encryptionMethod: "XtsAes256",
    keyProtectors: [
      { id: "{0B0F2E7A-3C1D-4E5F-8A9B-1C2D3E4F5A6B}", type: "Tpm" },
      {
        id: "{6A1B2C3D-4E5F-4A7B-8C9D-0E1F2A3B4C5D}",
        type: "RecoveryPassword",
        recoveryPassword: "111111-222222-333333-444444-555555-666666-777777-888888",
      },
    ],
    adBackups: ["{6A1B2C3D-4E5F-4A7B-8C9D-0E1F2A3B4C5D}"],
  };
  s.bitlocker.volumes[1] = {
    mountPoint: "D:",
    volumeType: "FixedData",
    autoUnlock: true,
    protectionStatus: "On",
    volumeStatus: "FullyEncrypted",
    encryptionMethod: "XtsAes256",
    keyProtectors: [
      {
        id: "{7B2C3D4E-5F6A-4B8C-9D0E-1F2A3B4C5D6E}",
        type: "RecoveryPassword",
        recoveryPassword: "121121-232232-343343-454454-565565-676676-787787-898898",
      },
    ],
    adBackups: ["{7B2C3D4E-5F6A-4B8C-9D0E-1F2A3B4C5D6E}"],
  };
  s.defender = { ...s.defender, realTimeProtectionEnabled: true, signatureLastUpdated: days(0.5) };
  for (const p of ["Domain", "Private", "Public"] as const)
    s.firewall[p] = { enabled: true, defaultInboundAction: "Block" };
  s.updates = {
    hotfixes: [{ id: "KB5041160", description: "Security Update", installedOn: days(6) }],
    available: [],
  };
  s.services.wuauserv = { displayName: "Windows Update", status: "Running", startType: "Manual" };
  s.accounts = {
    ...s.accounts,
    minPasswordLength: 12,
    passwordHistory: 24,
    maxPasswordAgeDays: 90,
    minPasswordAgeDays: 1,
    lockoutThreshold: 5,
    lockoutDurationMin: 30,
    lockoutWindowMin: 15,
  };
  for (const k of Object.keys(s.audit)) s.audit[k] = "Success and Failure";
  s.backup = {
    ...s.backup,
    lastSuccessfulBackupTime: days(1),
    shadowCopies: [{ id: "{D1E2F3A4-B5C6-4D7E-8F90-A1B2C3D4E5F6}", volume: "C:\\", installDate: days(1) }],
  };
  s.registry[REG.system] = { EnableLUA: 1, InactivityTimeoutSecs: 900 };
  s.registry[REG.rdpTcp] = { UserAuthentication: 1, SecurityLayer: 2, PortNumber: 3389 };
  delete s.registry[REG.rebootRequired];
  s.smb = { enableSMB1Protocol: false, enableSMB2Protocol: true, requireSecuritySignature: true };
  for (const u of s.users) if (u.sid.endsWith("-501")) u.enabled = false;
  for (const [path, name, value] of HARDENED_REGISTRY) {
    s.registry[path] ??= {};
    s.registry[path][name] = value;
  }
  s.services.RemoteRegistry = { displayName: "Remote Registry", status: "Stopped", startType: "Disabled" };
  s.firewallRules = s.firewallRules
    .filter((r) => r.name !== "Vendor-Support-Any")
    .map((r) => ({ ...r, enabled: false }));
  s.eventLogs.Security = {
    maximumKilobytes: 196608,
    overflowAction: "OverwriteAsNeeded",
    minimumRetentionDays: 0,
  };
  s.eventLogs.System = {
    maximumKilobytes: 32768,
    overflowAction: "OverwriteAsNeeded",
    minimumRetentionDays: 0,
  };
  s.eventLogs.Application = {
    maximumKilobytes: 32768,
    overflowAction: "OverwriteAsNeeded",
    minimumRetentionDays: 0,
  };
  return s;
}

/**
 * Hardening values a well-kept clinic host has in its registry (written out here rather than taken
 * from the runbooks, so a runbook that expects the wrong value fails its test).
 */
export const HARDENED_REGISTRY: [path: string, name: string, value: string | number][] = [
  [REG.system, "PromptOnSecureDesktop", 1],
  [REG.system, "MaxDevicePasswordFailedAttempts", 10],
  [REG.lsa, "LmCompatibilityLevel", 5],
  [REG.lsa, "NoLMHash", 1],
  [REG.lsa, "RestrictAnonymous", 1],
  [REG.lsa, "RestrictAnonymousSAM", 1],
  [REG.lsa, "RunAsPPL", 1],
  ["HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\WDigest", "UseLogonCredential", 0],
  [
    "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server",
    "Enabled",
    0,
  ],
  [
    "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.1\\Server",
    "Enabled",
    0,
  ],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\DNSClient", "EnableMulticast", 0],
  ["HKLM:\\SYSTEM\\CurrentControlSet\\Services\\NetBT\\Parameters", "NodeType", 2],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\RemovableStorageDevices", "Deny_All", 1],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service", "AllowUnencrypted", 0],
  ["HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer", "NoDriveTypeAutoRun", 255],
  [
    "HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging",
    "EnableScriptBlockLogging",
    1,
  ],
  ["HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon", "CachedLogonsCount", "1"],
  [REG.rdpTcp, "MinEncryptionLevel", 3],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services", "MaxIdleTime", 600000],
  [
    "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters",
    "RequireSecuritySignature",
    1,
  ],
  ["HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters", "RestrictNullSessAccess", 1],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile\\Logging", "LogDroppedPackets", 1],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PrivateProfile\\Logging", "LogDroppedPackets", 1],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile\\Logging", "LogDroppedPackets", 1],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Spynet", "SpynetReporting", 2],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Spynet", "SubmitSamplesConsent", 1],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows Defender", "PUAProtection", 1],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU", "NoAutoUpdate", 0],
  ["HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU", "AUOptions", 4],
];

/** Everything a domain controller adds: AD, DNS and Netlogon; drifted unless `compliant`. */
export function withDomainController(s: WindowsState, compliant: boolean): WindowsState {
  s.productType = 2;
  s.domainRole = 5;
  s.caption = "Microsoft Windows Server 2022 Standard";
  s.services.DNS = { displayName: "DNS Server", status: "Running", startType: "Automatic" };
  s.services.Netlogon = {
    displayName: "Netlogon",
    status: compliant ? "Running" : "Stopped",
    startType: compliant ? "Automatic" : "Manual",
  };
  if (compliant)
    s.services.Spooler = { displayName: "Print Spooler", status: "Stopped", startType: "Disabled" };
  s.localGroups = {};
  s.ad = {
    passwordPolicy: compliant
      ? {
          minPasswordLength: 14,
          passwordHistoryCount: 24,
          complexityEnabled: true,
          maxPasswordAgeDays: 365,
          lockoutThreshold: 5,
          lockoutDurationMin: 30,
        }
      : {
          minPasswordLength: 7,
          passwordHistoryCount: 24,
          complexityEnabled: true,
          maxPasswordAgeDays: 42,
          lockoutThreshold: 0,
          lockoutDurationMin: 30,
        },
    users: [
      { samAccountName: "Administrator", enabled: true, lastLogonDate: days(2), passwordLastSet: days(60) },
      {
        samAccountName: "krbtgt",
        enabled: false,
        lastLogonDate: null,
        passwordLastSet: days(compliant ? 90 : 1400),
      },
      { samAccountName: "dr.reyes", enabled: true, lastLogonDate: days(1), passwordLastSet: days(30) },
      { samAccountName: "frontdesk", enabled: true, lastLogonDate: days(0.5), passwordLastSet: days(20) },
      {
        samAccountName: "temp.nurse",
        enabled: !compliant,
        lastLogonDate: days(200),
        passwordLastSet: days(210),
      },
    ],
    groups: {
      "Domain Admins": [{ samAccountName: "Administrator", objectClass: "user" }],
      "Enterprise Admins": [{ samAccountName: "Administrator", objectClass: "user" }],
      Administrators: [
        { samAccountName: "Administrator", objectClass: "user" },
        { samAccountName: "Domain Admins", objectClass: "group" },
        { samAccountName: "Enterprise Admins", objectClass: "group" },
      ],
    },
    computers: [
      {
        name: s.hostname,
        isDomainController: true,
        lapsExpiry: null,
        dnsHostName: `${s.hostname.toLowerCase()}.clinic.local`,
        ipv4Address: "192.168.10.5",
        operatingSystem: "Windows Server 2022 Standard",
        operatingSystemVersion: "10.0 (20348)",
      },
      {
        name: "CLINIC-FS01",
        isDomainController: false,
        lapsExpiry: days(-20),
        dnsHostName: "clinic-fs01.clinic.local",
        ipv4Address: "192.168.10.20",
        operatingSystem: "Windows Server 2019 Standard",
        operatingSystemVersion: "10.0 (17763)",
      },
      {
        name: "FRONTDESK-01",
        isDomainController: false,
        lapsExpiry: compliant ? days(-10) : null,
        dnsHostName: "frontdesk-01.clinic.local",
        ipv4Address: null,
        operatingSystem: "Windows 11 Pro",
        operatingSystemVersion: "10.0 (22631)",
      },
    ],
  };
  return s;
}

/** A clinic workstation (front desk, exam room): no server roles, no Windows Server Backup. */
export function asWorkstation(s: WindowsState): WindowsState {
  s.productType = 1;
  s.domainRole = 1;
  s.caption = "Microsoft Windows 11 Pro";
  s.backup.installed = false;
  s.localGroups.Administrators = [
    { name: `${s.hostname}\\Administrator`, objectClass: "User", principalSource: "Local" },
    { name: "CLINIC\\Domain Admins", objectClass: "Group", principalSource: "ActiveDirectory" },
  ];
  return s;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Merge a JSON patch into state: objects merge, arrays and scalars replace, null deletes a key. */
export function mergeState<T>(target: T, patch: unknown): T {
  if (!isObject(patch) || !isObject(target)) return patch as T;
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = isObject(v) && isObject(out[k]) ? mergeState(out[k], v) : v;
  }
  return out as T;
}
