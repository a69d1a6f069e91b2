import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import * as v from "valibot";
import { MACOS_CHECKS } from "../../agent/src/checks/macos/index.ts";
import { runRunbook } from "../../agent/src/runbooks/runner.ts";
import { connectSsh } from "../../agent/src/ssh/connection.ts";
import { Limiter } from "../../agent/src/ssh/limiter.ts";
import { memoryPins } from "../../agent/src/ssh/pins.ts";
import { SshRunbookExecutor } from "../../agent/src/ssh/runbook-executor.ts";
import { sshdRequirement, startTestSshd, type TestSshd } from "../../agent/src/ssh/sshd.fixture.ts";
import { isKnownCitation } from "../../protocol/hipaa.ts";
import { RunbookSpec } from "../../protocol/runbook.ts";
import { runbookById } from "../index.ts";

const here = import.meta.dir;
const ids = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe("runbooks/macos", () => {
  test("at least 10 runbooks", () => expect(ids.length).toBeGreaterThanOrEqual(10));

  test.each(ids)("%s: a valid RunbookSpec for a macOS check, scripts parse with sh -n", (id) => {
    const spec = v.parse(RunbookSpec, parseToml(readFileSync(join(here, id, "runbook.toml"), "utf8")));
    expect(spec.id).toBe(id);
    expect(spec.platform).toBe("macos");
    expect(MACOS_CHECKS.map((c) => c.id)).toContain(spec.checkId);
    for (const c of spec.citations) expect(isKnownCitation(c)).toBe(true);
    expect(existsSync(join(here, id, "rollback.sh"))).toBe(spec.rollback);
    for (const f of readdirSync(join(here, id)).filter((n) => n.endsWith(".sh"))) {
      const r = spawnSync("sh", ["-n", join(here, id, f)], { encoding: "utf8" });
      expect({ f, code: r.status, err: r.stderr }).toEqual({ f, code: 0, err: "" });
    }
  });
});

const present = sshdRequirement();

describe.if(present)("macOS runbooks through the SSH executor", () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startTestSshd();
  });
  afterAll(() => sshd?.stop());

  test("macos.firewall: off → on → verified; forced verify failure rolls back to off", async () => {
    // A socketfilterfw that keeps its state in a file, answering in the documented format.
    const state = join(sshd.dir, "fw-state");
    writeFileSync(state, "0");
    const fw = join(sshd.fakeBin, "socketfilterfw");
    writeFileSync(
      fw,
      `#!/bin/sh
case "$1 $2" in
  "--getglobalstate ") if [ "$(cat '${state}')" = 1 ]; then echo "Firewall is enabled. (State = 1)"; else echo "Firewall is disabled. (State = 0)"; fi ;;
  "--setglobalstate on") echo 1 >'${state}'; echo "Firewall is enabled. (State = 1)" ;;
  "--setglobalstate off") echo 0 >'${state}'; echo "Firewall is disabled. (State = 0)" ;;
  *) exit 64 ;;
esac
`,
    );
    chmodSync(fw, 0o755);
    const pins = memoryPins();
    const target = {
      name: "mac-1",
      host: "127.0.0.1",
      port: sshd.port,
      user: sshd.user,
      os: "macos" as const,
      auth: { kind: "key" as const, keyFile: sshd.macosKey },
    };
    const opts = {
      pins,
      limiter: new Limiter(2),
      allowPassword: false,
      connectTimeoutMs: 10_000,
      maxBytes: 1 << 20,
    };
    const executor = new SshRunbookExecutor(target, opts);
    const runbook = runbookById("macos.firewall");
    if (!runbook) throw new Error("macos.firewall missing from the catalogue");

    // A runbook never pins a key on first use: the host must have been scanned.
    const unpinned = await runRunbook({ runbook, executor }).catch((e) => e);
    expect(String(unpinned.message ?? unpinned.error)).toMatch(/not pinned yet/);
    pins.set(`127.0.0.1:${sshd.port}`, {
      fingerprint: sshd.hostKeyFingerprint,
      keyType: "ssh-ed25519",
      pinnedAt: "now",
    });

    const fixed = await runRunbook({ runbook, executor });
    expect(fixed.outcome).toBe("fixed");
    expect(readFileSync(state, "utf8").trim()).toBe("1");

    // Verify reads the firewall back as off: the runner rolls back to what remediate recorded.
    writeFileSync(state, "0");
    const broken = {
      ...runbook,
      scripts: { ...runbook.scripts, verify: runbook.scripts.detect.replace("State = [12]", "State = 9") },
    };
    const rolled = await runRunbook({ runbook: broken, executor });
    expect(rolled.outcome).toBe("rolled-back");
    expect(readFileSync(state, "utf8").trim()).toBe("0");
    // The session sees the fixture PATH (sanity for the two tests above).
    const s = await connectSsh(target, { ...opts, verifyHostKey: () => ({ accept: true }) });
    expect(
      (await s.exec("command -v socketfilterfw", { timeoutMs: 5000, maxBytes: 1024 })).stdout.trim(),
    ).toBe(fw);
    s.close();
  });
});
