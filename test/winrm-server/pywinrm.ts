/** Running Debian's pywinrm (/usr/bin/python3) against the test server: availability and OpenSSL setup. */

export const PYTHON = "/usr/bin/python3";

/** True when /usr/bin/python3 can import winrm and requests_ntlm. */
export const hasPywinrm = (): boolean =>
  Bun.spawnSync([PYTHON, "-c", "import winrm, requests_ntlm"], { stdout: "ignore", stderr: "ignore" })
    .exitCode === 0;

/** pywinrm's NTLM needs MD4, which OpenSSL 3 only has in its legacy provider: point OPENSSL_CONF here. */
export const OPENSSL_LEGACY_CONF = `openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
legacy = legacy_sect
[default_sect]
activate = 1
[legacy_sect]
activate = 1
`;
