import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyChain } from "../../../protocol/chain.ts";
import { buildBundle, bundleHash } from "../../../protocol/evidence.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { signPayload, verifyEnvelope } from "../../../protocol/signed.ts";
import { loadConfig } from "../config/load.ts";
import { AGENT_VERSION } from "../version.ts";
import { CONFIG_AND_JSON, flagCommand } from "./args.ts";
import { CliError, EXIT } from "./command.ts";

const usage = "malachor self-test [--config <file>] [--json]";

interface Probe {
  name: string;
  run: () => string;
}

// What a freshly installed binary must be able to do before it replaces the running one: the
// updater runs this against the new binary and rolls back when it fails.
function probes(configFile: string | undefined): Probe[] {
  const list: Probe[] = [
    {
      name: "ed25519",
      run: () => {
        const k = generateKeyPair();
        const env = signPayload({ probe: AGENT_VERSION }, k.secretKey);
        const r = verifyEnvelope(env, k.publicKey);
        if (!r.ok) throw new Error(r.reason);
        if (verifyEnvelope({ ...env, payload: { probe: "x" } }, k.publicKey).ok) {
          throw new Error("a tampered payload verified");
        }
        return "sign/verify round trip";
      },
    },
    {
      name: "evidence-chain",
      run: () => {
        const k = generateKeyPair();
        const ids = { siteId: "self-test", applianceId: "self-test" };
        const at = new Date().toISOString();
        const a = buildBundle(ids, { seq: 0, hash: "" }, { kind: "event", createdAt: at }, k.secretKey);
        const b = buildBundle(
          ids,
          { seq: 1, hash: bundleHash(a) },
          { kind: "event", createdAt: at },
          k.secretKey,
        );
        const r = verifyChain([a, b], [k.publicKey]);
        if (!r.ok) throw new Error(r.message);
        return "2 bundles built and verified";
      },
    },
    {
      name: "sqlite",
      run: () => {
        const dir = mkdtempSync(join(tmpdir(), "malachor-self-test-"));
        try {
          const db = new Database(join(dir, "t.db"), { create: true });
          db.run("PRAGMA journal_mode = WAL");
          db.run("PRAGMA synchronous = FULL");
          db.run("CREATE TABLE t (v TEXT)");
          db.query("INSERT INTO t VALUES (?)").run("ok");
          const v = db.query<{ v: string }, []>("SELECT v FROM t").get()?.v;
          const integrity = db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get();
          db.close();
          if (v !== "ok" || integrity?.integrity_check !== "ok") throw new Error("read back failed");
          return "WAL write/read, integrity ok";
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  ];
  if (configFile) {
    list.push({
      name: "config",
      run: () => {
        const c = loadConfig(configFile);
        return `${c.source} valid (appliance ${c.appliance.appliance_id})`;
      },
    });
  }
  return list;
}

/** `malachor self-test`: prove this binary works (crypto, evidence, SQLite, config) before it is trusted. */
export const selfTestCommand = flagCommand(
  {
    name: "self-test",
    summary: "check that this binary works (run by the updater before trusting a new version)",
    usage,
    options: CONFIG_AND_JSON,
  },
  async ({ values, positionals }, io) => {
    if (positionals.length > 0)
      throw new CliError(`unexpected argument "${positionals[0]}"\nusage: ${usage}`);
    const results = probes(values.config).map((p) => {
      try {
        return { name: p.name, ok: true, detail: p.run() };
      } catch (e) {
        return { name: p.name, ok: false, detail: (e as Error).message };
      }
    });
    const ok = results.every((r) => r.ok);
    if (values.json) {
      io.out(JSON.stringify({ version: AGENT_VERSION, ok, results }));
    } else {
      for (const r of results) io.out(`${r.ok ? "ok  " : "FAIL"} ${r.name}: ${r.detail}`);
      io.out(`self-test ${ok ? "OK" : "FAILED"} (malachor ${AGENT_VERSION})`);
    }
    return ok ? EXIT.ok : EXIT.failed;
  },
);
