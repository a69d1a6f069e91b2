/**
 * Text a planner reply must never contain, whatever runbook it names: destructive commands,
 * disabling of security controls, exfiltration and persistence tricks. A reply matching any of
 * these is refused outright (the model may have been steered by injected text in the incident).
 */
export const DANGEROUS_PATTERNS: ReadonlyArray<{ name: string; re: RegExp }> = [
  { name: "recursive delete", re: /\brm\s+-[a-z]*r[a-z]*f?\b|\brm\s+-[a-z]*f[a-z]*r\b/i },
  {
    name: "delete system root",
    re: /\b(?:rm|del|rmdir|Remove-Item)\b[^\n]*(?:\s\/(?:\s|$)|C:\\(?:Windows)?(?:\s|$|\\\*))/i,
  },
  {
    name: "format disk",
    re: /\bformat(?:-volume)?\s+[a-z]:|\bmkfs(?:\.\w+)?\s|\bdiskpart\b|\bClear-Disk\b/i,
  },
  { name: "raw disk write", re: /\bdd\s+if=.*\bof=\/dev\//i },
  {
    name: "shadow copy deletion",
    re: /\bvssadmin(?:\.exe)?\s+delete\s+shadows|\bwmic\s+shadowcopy\s+delete|\bwbadmin\s+delete/i,
  },
  {
    name: "boot config tampering",
    re: /\bbcdedit\b.*\b(?:recoveryenabled\s+no|bootstatuspolicy\s+ignoreallfailures)/i,
  },
  { name: "clear event logs", re: /\bwevtutil(?:\.exe)?\s+cl\b|\bClear-EventLog\b|\bauditpol\b.*\/clear/i },
  {
    name: "disable Defender",
    re: /Set-MpPreference\b.*-Disable\w*\s+\$?true|DisableAntiSpyware|Uninstall-WindowsFeature\s+Windows-Defender/i,
  },
  { name: "Defender exclusion", re: /Add-MpPreference\b.*-Exclusion/i },
  {
    name: "disable firewall",
    re: /netsh\s+(?:adv)?firewall\s+set\s+\w*\s*state\s+off|Set-NetFirewallProfile\b.*-Enabled\s+\$?False|\bufw\s+disable\b|iptables\s+-F\b/i,
  },
  {
    name: "stop security service",
    re: /\b(?:Stop-Service|sc(?:\.exe)?\s+stop|systemctl\s+(?:stop|disable|mask))\b.*\b(?:WinDefend|MpsSvc|EventLog|wuauserv|auditd|journald|sshd)\b/i,
  },
  {
    name: "disable BitLocker",
    re: /\b(?:Disable-BitLocker|manage-bde(?:\.exe)?\s+-off|Suspend-BitLocker)\b/i,
  },
  { name: "disable UAC", re: /EnableLUA\b.*\b0\b/i },
  {
    name: "enable SMBv1",
    re: /Set-SmbServerConfiguration\b.*-EnableSMB1Protocol\s+\$?true|Enable-WindowsOptionalFeature\b.*SMB1Protocol/i,
  },
  {
    name: "create admin account",
    re: /\bnet\s+user\s+\S+\s+\S+\s+\/add\b|\bnet\s+localgroup\s+administrators\s+\S+\s+\/add|\bAdd-LocalGroupMember\b.*Administrators|\buseradd\b.*-o\s+-u\s*0/i,
  },
  { name: "enable guest account", re: /\bnet\s+user\s+guest\s+\/active:yes\b|Enable-LocalUser\b.*Guest/i },
  {
    name: "password reset",
    re: /\bnet\s+user\s+\S+\s+\*|Set-LocalUser\b.*-Password\b|\bchpasswd\b|\bpasswd\s+root\b/i,
  },
  {
    name: "download and execute",
    re: /(?:curl|wget)\b[^|\n]*\|\s*(?:ba|z)?sh\b|Invoke-Expression|\biex\s*\(|DownloadString\(|Invoke-WebRequest\b.*\|\s*iex/i,
  },
  {
    name: "encoded PowerShell",
    re: /powershell(?:\.exe)?\b.*\s-(?:e|enc|encodedcommand)\s+[A-Za-z0-9+/=]{16,}/i,
  },
  {
    name: "execution policy bypass",
    re: /-ExecutionPolicy\s+(?:Bypass|Unrestricted)|Set-ExecutionPolicy\s+(?:Bypass|Unrestricted)/i,
  },
  {
    name: "reverse shell",
    re: /\bnc(?:at)?\b.*\s-e\s|\/dev\/tcp\/\d|bash\s+-i\s*>&|New-Object\s+System\.Net\.Sockets\.TCPClient/i,
  },
  {
    name: "credential dumping",
    re: /\bmimikatz\b|sekurlsa|lsass(?:\.exe)?\b.*(?:dump|minidump)|procdump\b.*lsass|reg(?:\.exe)?\s+save\s+hklm\\(?:sam|security|system)/i,
  },
  {
    name: "scheduled persistence",
    re: /\bschtasks(?:\.exe)?\s+\/create\b|\bRegister-ScheduledTask\b|\bcrontab\s+-[lre]?\s*-?\s*<|\/etc\/cron/i,
  },
  {
    name: "run key persistence",
    re: /\\CurrentVersion\\Run(?:Once)?\b.*(?:reg\s+add|New-ItemProperty|Set-ItemProperty)|(?:reg\s+add|New-ItemProperty|Set-ItemProperty)\b.*\\CurrentVersion\\Run/i,
  },
  { name: "WMI persistence", re: /__EventFilter|CommandLineEventConsumer|__FilterToConsumerBinding/i },
  {
    name: "remote access enablement",
    re: /fDenyTSConnections\b.*\b0\b|Enable-PSRemoting\b.*-Force|\bsshd_config\b.*PermitRootLogin\s+yes/i,
  },
  { name: "world-writable permissions", re: /\bchmod\s+(?:-R\s+)?0?777\b|\bicacls\b.*\bEveryone:\(?F\)?/i },
  { name: "sudoers change", re: /\/etc\/sudoers|NOPASSWD:\s*ALL/i },
  {
    name: "data exfiltration",
    re: /\b(?:scp|rsync|ftp|tftp)\b.*@|\bCompress-Archive\b.*\b(?:Send|Invoke-RestMethod|Upload)|\bcurl\b.*(?:-T|--upload-file|-F\s*\S*@)/i,
  },
  {
    name: "kill or disable the agent",
    re: /\bmalachor\b.*\b(?:stop|disable|kill|uninstall|rm)\b|\b(?:stop|disable|kill|uninstall)\b.*\bmalachor\b/i,
  },
  {
    name: "time tampering",
    re: /\bSet-Date\b|\bdate\s+-s\b|\btimedatectl\s+set-time\b|\bw32tm\b.*\/unregister/i,
  },
];

/** Names of the dangerous patterns found anywhere in `text`. */
export function findDangerous(text: string): string[] {
  return DANGEROUS_PATTERNS.filter((p) => p.re.test(text)).map((p) => p.name);
}
