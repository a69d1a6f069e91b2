import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connectSsh, HostKeyRefusedError, type HostKeySeen, SshError } from "./connection.ts";
import { SSHD, sshdRequirement, startTestSshd, type TestSshd } from "./sshd.fixture.ts";
import type { SshTarget } from "./target.ts";

const present = sshdRequirement();

describe.if(present)(`ssh connection (${SSHD} on loopback)`, () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startTestSshd();
  });
  afterAll(() => sshd?.stop());
  const target = (): SshTarget => ({
    name: "loop",
    host: "127.0.0.1",
    port: sshd.port,
    user: sshd.user,
    os: "linux",
    auth: { kind: "key", keyFile: sshd.linuxKey },
  });
  const opts = {
    connectTimeoutMs: 5000,
    allowPassword: false,
    verifyHostKey: () => ({ accept: true as const }),
  };

  test("Ed25519 key auth, the host key as ssh-keygen prints it, exec with exit codes", async () => {
    let seen: HostKeySeen | undefined;
    const s = await connectSsh(target(), {
      ...opts,
      verifyHostKey: (k) => {
        seen = k;
        return { accept: true };
      },
    });
    try {
      expect(seen).toEqual({ fingerprint: sshd.hostKeyFingerprint, keyType: "ssh-ed25519" });
      expect(await s.exec("echo hi; echo err >&2; exit 3", { timeoutMs: 5000, maxBytes: 1024 })).toEqual({
        code: 3,
        stdout: "hi\n",
        stderr: "err\n",
      });
      expect((await s.exec("cat", { timeoutMs: 5000, maxBytes: 1024, stdin: "piped" })).stdout).toBe("piped");
    } finally {
      s.close();
    }
  });

  test("a refused host key stops before authentication, with the key seen", async () => {
    const e = await connectSsh(target(), {
      ...opts,
      verifyHostKey: () => ({ accept: false, reason: "host key changed" }),
    }).catch((x) => x);
    expect(e).toBeInstanceOf(HostKeyRefusedError);
    expect((e as HostKeyRefusedError).seen.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect((e as Error).message).toContain(`127.0.0.1:${sshd.port} — host key changed`);
  });

  test("command timeout and output cap", async () => {
    const s = await connectSsh(target(), opts);
    try {
      const started = performance.now();
      const r = await s.exec("sleep 5", { timeoutMs: 300, maxBytes: 1024 });
      expect(r.code).toBe(124);
      expect(performance.now() - started).toBeLessThan(2000);
      const big = await s
        .exec("head -c 100000 /dev/zero", { timeoutMs: 5000, maxBytes: 4096 })
        .catch((x) => x);
      expect(big).toBeInstanceOf(SshError);
      expect((big as SshError).kind).toBe("output");
    } finally {
      s.close();
    }
  });

  test("a wrong key, a closed port and a password where none is allowed fail clearly", async () => {
    const wrong = await connectSsh({ ...target(), user: "nobody-here" }, opts).catch((x) => x);
    expect((wrong as SshError).kind).toBe("auth");
    const closed = await connectSsh({ ...target(), port: 1 }, opts).catch((x) => x);
    expect((closed as SshError).kind).toBe("unreachable");
    const pw = await connectSsh(
      { ...target(), auth: { kind: "password", passwordFile: "/nonexistent" } },
      opts,
    ).catch((x) => x);
    expect((pw as Error).message).toMatch(/password authentication is not allowed/);
  });
});
