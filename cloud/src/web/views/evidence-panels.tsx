import { Badge, Notice, Pager, Table, When } from "../../../../lib/ui/components.tsx";
import { floorNote, verifiedFrom } from "../../../../protocol/retention-floor.ts";
import type { SiteAudit } from "../../evidence/chain-audit.ts";
import { VERIFIER_PATH } from "../assets.ts";
import type { BundleRow, ChainFigures } from "../data/evidence.ts";

/** What a site audit says about one appliance's chain. */
function Verdict(p: { v: SiteAudit; c: ChainFigures }) {
  const { v, c } = p;
  const floor = v.ok ? v.floors?.find((f) => f.applianceId === c.applianceId) : undefined;
  if (c.bundles === 0)
    return (
      <span class="muted small">
        {floor ? `no bundle retained (${floorNote(floor)})` : "no evidence yet"}
      </span>
    );
  if (v.ok) {
    return (
      <>
        <Badge status="ok" label="verified" />
        <div class="small">
          up to #{v.heads[c.applianceId]?.seq ?? c.headSeq}
          {floor ? `, ${verifiedFrom(floor)}` : ""}:{" "}
          {v.coverage.signatures === "all"
            ? "every signature, link and sequence number checks out"
            : "every link and sequence number checks out, and the head's signature"}
        </div>
      </>
    );
  }
  if (v.break.applianceId === c.applianceId) {
    return (
      <>
        <Badge status="broken" label={v.break.kind} />
        <div class="small">{v.break.message}</div>
      </>
    );
  }
  return <span class="muted small">verification stopped at the first break (another appliance)</span>;
}

/** Exactly what an audit checked, in words. */
export function Coverage(p: { v: SiteAudit }) {
  const { coverage } = p.v;
  const n = (x: number) => x.toLocaleString("en-US");
  return coverage.signatures === "all" ? (
    <span data-testid="coverage">
      Every bundle's shape, SHA-256 link and sequence number was checked, and every Ed25519 signature was
      verified now ({n(coverage.verifiedNow)}).
    </span>
  ) : (
    <span data-testid="coverage">
      Every bundle's shape, SHA-256 link and sequence number was checked. {n(coverage.verifiedNow)} Ed25519
      signatures were verified now (each appliance's latest bundle, and any the cloud did not verify on
      upload); {n(coverage.verifiedAtIngest)} were verified when they were uploaded (recorded and signed by
      the cloud) and are bound by the links that follow them. “Verify every signature” checks them all again.
    </span>
  );
}

/** Per-appliance chain figures, with the verification verdict when one was just run. */
export function ChainTable(p: { chains: ChainFigures[]; verification?: SiteAudit }) {
  return (
    <Table
      testid="chains"
      head={["Appliance", "Bundles", "Head", "First – last", "Verification"]}
      empty="No appliance is enrolled at this site yet."
      rows={p.chains.map((c) => (
        <tr data-appliance={c.applianceId}>
          <td>
            <span class="mono">{c.applianceId}</span>
            <div class="muted small">
              {c.name}
              {c.deleted ? " · deleted (evidence kept)" : ""}
            </div>
          </td>
          <td>{c.bundles.toLocaleString("en-US")}</td>
          <td>
            #{c.headSeq} <div class="mono small">{c.headHash.slice(0, 16)}…</div>
          </td>
          <td class="small">
            <When at={c.first} /> – <When at={c.last} />
          </td>
          <td data-testid="verdict">
            {p.verification ? (
              <Verdict v={p.verification} c={c} />
            ) : c.bundles === 0 ? (
              <span class="muted small">no evidence yet</span>
            ) : (
              <span class="muted small">press “Verify the chain now”</span>
            )}
          </td>
        </tr>
      ))}
    />
  );
}

/** Site-level outcome of an audit, as a notice saying what was checked. */
export function VerificationNotice(p: { v: SiteAudit }) {
  return p.v.ok ? (
    <Notice kind="ok">
      <span data-testid="chain-ok">Chain verified</span>: all {p.v.count.toLocaleString("en-US")} bundles.{" "}
      {(p.v.floors ?? []).map((f) => (
        <span data-testid="floor" data-appliance={f.applianceId} data-seq={f.seq}>
          {f.applianceId}: {verifiedFrom(f)}.{" "}
        </span>
      ))}
      <Coverage v={p.v} />
    </Notice>
  ) : (
    <Notice kind="error">
      <span data-testid="chain-broken">The chain does not verify</span>:{" "}
      <span
        data-testid="break"
        data-index={p.v.break.index}
        data-kind={p.v.break.kind}
        data-appliance={p.v.break.applianceId}
        data-seq={p.v.break.seq}
      >
        {p.v.break.message}
      </span>{" "}
      <Coverage v={p.v} />
    </Notice>
  );
}

/** The public keys, as hex, one per appliance key. */
export function KeyTable(p: {
  keys: { keyId: string; applianceId: string; publicKey: string; createdAt: Date }[];
}) {
  return (
    <Table
      testid="keys"
      head={["Appliance", "Key id", "Ed25519 public key (hex)", "Since"]}
      empty="No appliance key is registered yet."
      rows={p.keys.map((k) => (
        <tr>
          <td class="mono">{k.applianceId}</td>
          <td class="mono">{k.keyId}</td>
          <td class="mono">{k.publicKey}</td>
          <td class="small">
            <When at={k.createdAt} />
          </td>
        </tr>
      ))}
    />
  );
}

/** One page of bundles (newest first) with older/newer links. */
export function BundleTable(p: {
  rows: BundleRow[];
  next?: string;
  first?: string;
  total: number;
  href?: (applianceId: string, seq: number) => string;
}) {
  return (
    <>
      <Table
        testid="bundles"
        head={["Bundle", "Kind", "Created", "Results", "SHA-256"]}
        empty="No evidence bundle has been received yet."
        rows={p.rows.map((b) => (
          <tr id={`b-${b.applianceId}-${b.seq}`}>
            <td class="mono">
              {p.href ? (
                <a href={p.href(b.applianceId, b.seq)}>
                  {b.applianceId}#{b.seq}
                </a>
              ) : (
                `${b.applianceId}#${b.seq}`
              )}
            </td>
            <td>{b.kind}</td>
            <td class="small">
              <When at={b.createdAt} />
            </td>
            <td class="small">
              {b.summary.pass} pass · {b.summary.warn} warn · {b.summary.fail} fail · {b.summary.error} error
            </td>
            <td class="mono small">{b.hash.slice(0, 20)}…</td>
          </tr>
        ))}
      />
      <Pager
        prev={p.first}
        next={p.next}
        label={`${p.rows.length} of ${p.total.toLocaleString("en-US")} bundles shown`}
      />
    </>
  );
}

/** How to check the evidence without trusting us. */
export function VerifyInstructions(p: { jsonlHref: string; keysHref: string; kitHref: string }) {
  return (
    <div class="card">
      <h3>Verify it yourself</h3>
      <ol>
        <li>
          Download the evidence chain: <a href={p.jsonlHref}>chain.jsonl</a> (one signed bundle per line) and
          the public keys: <a href={p.keysHref}>keys.txt</a>.
        </li>
        <li>
          Run the appliance's own verifier (the <span class="mono">malachor</span> executable runs on any
          Linux machine):
          <pre>malachor evidence verify chain.jsonl --pubkey keys.txt</pre>
        </li>
        <li>
          Exit code 0 means every Ed25519 signature, every SHA-256 link and every sequence number checks out.
          Exit 1 names the first bundle that does not (bad signature, broken link, sequence gap, reordering,
          duplicate or fork).
        </li>
      </ol>
      <h3>Auditor's kit</h3>
      <p>
        One archive per period: the bundles, the log's signed checkpoints, inclusion proofs, every public key
        and a README. It verifies with python3 and openssl alone (
        <span class="mono">python3 verify_kit.py --cloud-key &lt;key&gt;</span>); the same period always gives
        the same bytes.
      </p>
      <p>
        <a class="button secondary" href={VERIFIER_PATH} download="verify_kit.py" data-testid="verifier">
          Download the verifier (verify_kit.py)
        </a>{" "}
        <span class="muted small">the same script every kit carries, to read before running it</span>
      </p>
      <form method="get" action={p.kitHref} data-testid="kit-form">
        <label>
          From <input type="date" name="from" required />
        </label>
        <label>
          To (exclusive) <input type="date" name="to" required />
        </label>
        <button type="submit">Download the kit</button>
      </form>
      <p class="muted small">
        Each bundle is RFC 8785 canonical JSON signed with the appliance's Ed25519 key; its SHA-256 is carried
        as prevHash by the next bundle, so any change, removal or insertion breaks the chain.
      </p>
    </div>
  );
}

/** What an evidence page shows, read once by the route (see portal/routes.tsx evidencePageData). */
export interface EvidenceData {
  chains: ChainFigures[];
  verification?: SiteAudit;
  keys: { keyId: string; applianceId: string; publicKey: string; createdAt: Date }[];
  alerts: { kind: string; applianceId: string; seq: number | null; message: string; createdAt: string }[];
  page: { rows: BundleRow[]; next?: string; first?: string };
  total: number;
}

/**
 * The body of an evidence page, the same for the MSP and the clinic: verdict, verify and download
 * buttons, chains per appliance, alerts, keys, how to verify independently, and the bundle list.
 * `u` maps a suffix ("/evidence", "/keys.txt"…) to the audience's URL of this site.
 */
export function EvidenceSections(p: { d: EvidenceData; u: (rest: string) => string }) {
  const { d, u } = p;
  return (
    <>
      {d.verification ? <VerificationNotice v={d.verification} /> : null}
      <div class="actions no-print" style="margin-bottom:1rem">
        <form method="get" action={u("/evidence")}>
          <input type="hidden" name="verify" value="1" />
          <button type="submit" data-testid="verify">
            Verify the chain now
          </button>
        </form>
        <form method="get" action={u("/evidence")}>
          <input type="hidden" name="verify" value="all" />
          <button type="submit" class="secondary" data-testid="verify-all">
            Verify every signature
          </button>
        </form>
        <a class="button secondary" href={u("/evidence.jsonl")}>
          Download chain.jsonl
        </a>
        <a class="button secondary" href={u("/keys.txt")}>
          Download keys.txt
        </a>
      </div>
      <h2>Chains per appliance</h2>
      <ChainTable chains={d.chains} verification={d.verification} />
      <h2>Problems recorded at upload ({d.alerts.length >= 500 ? "500+" : d.alerts.length})</h2>
      {d.alerts.length === 0 ? (
        <p class="muted">No gap, fork, broken link, bad signature or backdated bundle was seen at upload.</p>
      ) : (
        <ul data-testid="alerts">
          {d.alerts.slice(0, 50).map((a) => (
            <li class="small">
              <Badge status="fail" label={a.kind} /> {a.applianceId}
              {a.seq !== null ? `#${a.seq}` : ""}: {a.message} · <When at={a.createdAt} />
            </li>
          ))}
        </ul>
      )}
      <h2>Public keys</h2>
      <KeyTable keys={d.keys} />
      <VerifyInstructions
        jsonlHref={u("/evidence.jsonl")}
        keysHref={u("/keys.txt")}
        kitHref={u("/kit.tar")}
      />
      <h2>Bundles</h2>
      <BundleTable
        rows={d.page.rows}
        next={d.page.next}
        first={d.page.first}
        total={d.total}
        href={(a, seq) => u(`/evidence/bundle/${encodeURIComponent(a)}/${seq}`)}
      />
    </>
  );
}
