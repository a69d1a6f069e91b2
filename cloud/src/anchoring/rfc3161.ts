/**
 * RFC 3161 time stamps of checkpoints: the request is built and the response parsed and checked
 * with pkijs/asn1js (no hand-written DER); the signature is checked by pkijs over the CMS
 * SignedData the TSA returned.
 */
import { createHash, randomBytes } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

const SHA256_OID = "2.16.840.1.101.3.4.2.1";
const TST_INFO_OID = "1.2.840.113549.1.9.16.1.4";

/** Why a time-stamp exchange failed, naming the TSA and what was wrong. */
export class TimestampError extends Error {
  override name = "TimestampError";
}

/** A time-stamp request as sent, and what its answer must echo. */
export interface TimestampRequest {
  der: Uint8Array<ArrayBuffer>;
  /** The stamped bytes: pkijs checks the token's imprint against them too. */
  data: Uint8Array;
  digest: Uint8Array;
  nonce: bigint;
}

/** Build a TimeStampReq over SHA-256(`data`): a 64-bit random nonce, certReq set. */
export function buildTimestampRequest(data: Uint8Array | string): TimestampRequest {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(createHash("sha256").update(bytes).digest());
  // A positive INTEGER: clear the top bit so the DER needs no sign byte and the value round-trips.
  const nonceBytes = new Uint8Array(randomBytes(8));
  nonceBytes[0]! &= 0x7f;
  nonceBytes[0]! |= 0x01;
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: digest }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonceBytes }),
    certReq: true,
  });
  return {
    der: new Uint8Array(req.toSchema().toBER()),
    data: bytes,
    digest,
    nonce: BigInt(`0x${Buffer.from(nonceBytes).toString("hex")}`),
  };
}

/** A checked time-stamp token: the DER of its CMS ContentInfo and the time the TSA vouches for. */
export interface TimestampToken {
  token: Uint8Array<ArrayBuffer>;
  genTime: Date;
  serial: string;
}

function integerValue(i: asn1js.Integer): bigint {
  const hex = Buffer.from(i.valueBlock.valueHexView).toString("hex");
  return hex === "" ? 0n : BigInt(`0x${hex}`);
}

function tstInfoOf(
  content: pkijs.ContentInfo,
  where: string,
): { signed: pkijs.SignedData; tst: pkijs.TSTInfo } {
  if (content.contentType !== pkijs.ContentInfo.SIGNED_DATA) {
    throw new TimestampError(`${where}: the token is not CMS SignedData (${content.contentType})`);
  }
  const signed = new pkijs.SignedData({ schema: content.content });
  const eci = signed.encapContentInfo;
  if (eci.eContentType !== TST_INFO_OID || !eci.eContent) {
    throw new TimestampError(`${where}: the token does not encapsulate a TSTInfo`);
  }
  const tst = pkijs.TSTInfo.fromBER(eci.eContent.getValue());
  return { signed, tst };
}

/**
 * Parse a TimeStampResp and check it answers `req`: status granted, SHA-256 imprint of our digest,
 * our nonce, and a signature pkijs verifies with the signer certificate the token carries (and a
 * chain to `trustedCerts` when some are given). Throws TimestampError naming what failed.
 */
export async function checkTimestampResponse(
  der: Uint8Array<ArrayBuffer>,
  req: TimestampRequest,
  opts: { where: string; trustedCerts?: pkijs.Certificate[] },
): Promise<TimestampToken> {
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(der);
  } catch (e) {
    throw new TimestampError(`${opts.where}: not a TimeStampResp (${(e as Error).message})`);
  }
  const status = resp.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join("; ") ?? "";
    throw new TimestampError(
      `${opts.where}: request refused (PKIStatus ${status}${text ? `: ${text}` : ""})`,
    );
  }
  if (!resp.timeStampToken) throw new TimestampError(`${opts.where}: granted but no token in the response`);
  const { signed, tst } = tstInfoOf(resp.timeStampToken, opts.where);
  const imprint = tst.messageImprint;
  if (imprint.hashAlgorithm.algorithmId !== SHA256_OID) {
    throw new TimestampError(`${opts.where}: imprint uses ${imprint.hashAlgorithm.algorithmId}, not SHA-256`);
  }
  if (!Buffer.from(imprint.hashedMessage.valueBlock.valueHexView).equals(Buffer.from(req.digest))) {
    throw new TimestampError(`${opts.where}: the token stamps a different digest than the one sent`);
  }
  if (!tst.nonce || integerValue(tst.nonce) !== req.nonce) {
    throw new TimestampError(`${opts.where}: the token's nonce does not match the request's`);
  }
  const trusted = opts.trustedCerts ?? [];
  let ok = false;
  try {
    ok = await signed.verify({
      signer: 0,
      data: req.data.slice().buffer,
      trustedCerts: trusted,
      checkChain: trusted.length > 0,
      checkDate: tst.genTime,
    });
  } catch (e) {
    throw new TimestampError(`${opts.where}: signature not verified (${(e as Error).message})`);
  }
  if (!ok) throw new TimestampError(`${opts.where}: signature not verified`);
  return {
    token: new Uint8Array(resp.timeStampToken.toSchema().toBER()),
    genTime: tst.genTime,
    serial: integerValue(tst.serialNumber).toString(16),
  };
}

/** Read the time and serial a stored token vouches for (no checks: for display). */
export function describeToken(token: Uint8Array<ArrayBuffer>): { genTime: Date; serial: string } {
  const { tst } = tstInfoOf(pkijs.ContentInfo.fromBER(token), "stored token");
  return { genTime: tst.genTime, serial: integerValue(tst.serialNumber).toString(16) };
}

/** Load PEM certificates (a TSA's CA bundle) as pkijs certificates. */
export function parsePemCertificates(pem: string): pkijs.Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) =>
    pkijs.Certificate.fromBER(Buffer.from(b.replace(/-----[^-]+-----|\s/g, ""), "base64")),
  );
}

/**
 * POST the request to a TSA (`application/timestamp-query`) and check its answer. Network errors,
 * a non-200 answer and a bad token all throw TimestampError naming the URL.
 */
export async function requestTimestamp(
  url: string,
  data: Uint8Array | string,
  opts: { trustedCerts?: pkijs.Certificate[]; timeoutMs?: number } = {},
): Promise<TimestampToken> {
  const req = buildTimestampRequest(data);
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/timestamp-query", accept: "application/timestamp-reply" },
      body: req.der,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
  } catch (e) {
    throw new TimestampError(`TSA ${url}: ${(e as Error).message}`);
  }
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) throw new TimestampError(`TSA ${url}: HTTP ${res.status}`);
  return checkTimestampResponse(body, req, {
    where: `TSA ${url}`,
    ...(opts.trustedCerts ? { trustedCerts: opts.trustedCerts } : {}),
  });
}
