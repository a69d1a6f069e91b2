/**
 * The multipart/encrypted body WinRM requires over HTTP when AllowUnencrypted=false (MS-WSMV
 * 2.2.9.1.1): a header part naming the original length, then an octet-stream part holding a 4-byte
 * little-endian signature length, the NTLM signature and the sealed SOAP message.
 */
import { SealError, type SessionSecurity } from "./sealing.ts";

export const ENCRYPTED_PROTOCOL = "application/HTTP-SPNEGO-session-encrypted";
/** Content-Type of a sealed request or response. */
export const ENCRYPTED_CONTENT_TYPE = `multipart/encrypted;protocol="${ENCRYPTED_PROTOCOL}";boundary="Encrypted Boundary"`;
const BOUNDARY = "--Encrypted Boundary";
const OCTET = "\tContent-Type: application/octet-stream\r\n";

/** True when a Content-Type header announces an NTLM-sealed body. */
export function isEncrypted(contentType: string | undefined): boolean {
  return Boolean(contentType?.toLowerCase().includes(`protocol="${ENCRYPTED_PROTOCOL.toLowerCase()}"`));
}

/** Seal a SOAP message and wrap it in the multipart/encrypted envelope. */
export function wrapEncrypted(security: SessionSecurity, soap: Buffer): Buffer {
  const { sealed, signature } = security.seal(soap);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(signature.length);
  return Buffer.concat([
    Buffer.from(
      `${BOUNDARY}\r\n\tContent-Type: ${ENCRYPTED_PROTOCOL}\r\n` +
        `\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${soap.length}\r\n` +
        `${BOUNDARY}\r\n${OCTET}`,
      "latin1",
    ),
    len,
    signature,
    sealed,
    Buffer.from(`${BOUNDARY}--\r\n`, "latin1"),
  ]);
}

/** Unwrap and unseal a multipart/encrypted body; throws SealError when malformed or tampered with. */
export function unwrapEncrypted(security: SessionSecurity, body: Buffer): Buffer {
  const text = body.toString("latin1");
  const m = /OriginalContent:[^\r\n]*Length=(\d+)/i.exec(text);
  if (!m) throw new SealError("encrypted body lacks OriginalContent Length");
  const length = Number(m[1]);
  const at = text.indexOf(OCTET, m.index);
  if (at < 0) throw new SealError("encrypted body lacks its application/octet-stream part");
  const start = at + OCTET.length;
  if (body.length < start + 4) throw new SealError("encrypted body is truncated");
  const sigLen = body.readUInt32LE(start);
  const sigEnd = start + 4 + sigLen;
  if (sigLen !== 16 || body.length < sigEnd + length) throw new SealError("encrypted body is truncated");
  return security.unseal(body.subarray(sigEnd, sigEnd + length), body.subarray(start + 4, sigEnd));
}
