/**
 * OpenSSL's own TSA (`openssl ts -reply`) behind a loopback HTTP wrapper, with a CA and a TSA
 * certificate (timeStamping EKU) made for the run, for the RFC 3161 tests. `failing` makes it
 * answer 503, as a TSA that went down would.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A running loopback TSA. */
export interface TestTsa {
  url: string;
  dir: string;
  caPem: string;
  failing: boolean;
  requests: number;
  /** `openssl ts -verify` of a stored token over `data`: exit code and output. */
  verify(token: Uint8Array, data: string): { ok: boolean; output: string };
  stop(): Promise<void>;
}

function openssl(args: string[], cwd: string): string {
  const r = Bun.spawnSync(["openssl", ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  const out = `${r.stdout.toString()}${r.stderr.toString()}`;
  if (r.exitCode !== 0) throw new Error(`openssl ${args.join(" ")}: ${out}`);
  return out;
}

function tsaConfig(dir: string): string {
  return `[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = ${dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;
}

/** Make the CA and TSA certificates and serve `openssl ts -reply` on a loopback port. */
export function startTestTsa(): TestTsa {
  const dir = mkdtempSync(join(tmpdir(), "malachor-tsa-"));
  writeFileSync(join(dir, "tsa.cnf"), tsaConfig(dir));
  writeFileSync(join(dir, "tsaserial"), "01\n");
  writeFileSync(
    join(dir, "tsa-ext.cnf"),
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n",
  );
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "3",
      "-subj",
      "/CN=Malachor Test TSA CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  openssl(
    ["req", "-new", ...ec, "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=Malachor Test TSA"],
    dir,
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "tsa.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "tsa.pem",
      "-days",
      "3",
      "-extfile",
      "tsa-ext.cnf",
    ],
    dir,
  );
  let n = 0;
  const tsa: TestTsa = {
    url: "",
    dir,
    caPem: readFileSync(join(dir, "ca.pem"), "utf8"),
    failing: false,
    requests: 0,
    verify(token, data) {
      const id = ++n;
      writeFileSync(join(dir, `v${id}.tst`), token);
      writeFileSync(join(dir, `v${id}.data`), data);
      const r = Bun.spawnSync(
        [
          "openssl",
          "ts",
          "-verify",
          "-token_in",
          "-in",
          `v${id}.tst`,
          "-data",
          `v${id}.data`,
          "-CAfile",
          "ca.pem",
          "-untrusted",
          "tsa.pem",
        ],
        { cwd: dir, stdout: "pipe", stderr: "pipe" },
      );
      return { ok: r.exitCode === 0, output: `${r.stdout.toString()}${r.stderr.toString()}` };
    },
    async stop() {
      await server.stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      tsa.requests++;
      if (tsa.failing) return new Response("TSA unavailable", { status: 503 });
      if (req.method !== "POST" || req.headers.get("content-type") !== "application/timestamp-query") {
        return new Response("expected POST application/timestamp-query", { status: 400 });
      }
      const id = ++n;
      writeFileSync(join(dir, `q${id}.tsq`), new Uint8Array(await req.arrayBuffer()));
      const r = Bun.spawnSync(
        ["openssl", "ts", "-reply", "-config", "tsa.cnf", "-queryfile", `q${id}.tsq`, "-out", `r${id}.tsr`],
        { cwd: dir, stdout: "pipe", stderr: "pipe" },
      );
      if (r.exitCode !== 0) return new Response(r.stderr.toString(), { status: 500 });
      return new Response(readFileSync(join(dir, `r${id}.tsr`)), {
        headers: { "content-type": "application/timestamp-reply" },
      });
    },
  });
  tsa.url = `http://127.0.0.1:${server.port}/tsa`;
  return tsa;
}
