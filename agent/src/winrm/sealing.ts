/**
 * NTLM session security (MS-NLMP 3.4): per-direction RC4 sealing and HMAC-MD5 signatures with
 * sequence numbers, as WinRM uses for its multipart/encrypted bodies. Connection-oriented: each
 * direction keeps one RC4 stream for the life of the authenticated connection.
 */
import { type Cipheriv, createCipheriv, timingSafeEqual } from "node:crypto";
import { FLAGS, hmacMd5, md5 } from "./ntlm.ts";

const magic = (s: string) => Buffer.from(`session key to ${s} key magic constant\0`, "latin1");

/** Thrown when a sealed message fails its signature or sequence check. */
export class SealError extends Error {
  override name = "SealError";
}

/** SIGNKEY and SEALKEY (MS-NLMP 3.4.5.2–3) of each direction, from the exported session key (128-bit). */
export function sessionKeys(exportedSessionKey: Buffer) {
  const derive = (what: string) => md5(Buffer.concat([exportedSessionKey, magic(what)]));
  return {
    clientSigning: derive("client-to-server signing"),
    clientSealing: derive("client-to-server sealing"),
    serverSigning: derive("server-to-client signing"),
    serverSealing: derive("server-to-client sealing"),
  };
}

class Direction {
  readonly cipher: Cipheriv;
  seq = 0;
  constructor(
    readonly signKey: Buffer,
    sealKey: Buffer,
  ) {
    this.cipher = createCipheriv("rc4", sealKey, null);
  }
  signature(plain: Buffer, keyExchange: boolean): Buffer {
    const seq = Buffer.alloc(4);
    seq.writeUInt32LE(this.seq >>> 0);
    let checksum = hmacMd5(this.signKey, seq, plain).subarray(0, 8);
    if (keyExchange) checksum = this.cipher.update(checksum);
    this.seq++;
    return Buffer.concat([Buffer.from([1, 0, 0, 0]), checksum, seq]);
  }
}

/** Seals outgoing and unseals incoming messages for one side of an NTLM session. */
export class SessionSecurity {
  readonly #out: Direction;
  readonly #in: Direction;
  readonly #keyExchange: boolean;

  constructor(exportedSessionKey: Buffer, flags: number, side: "client" | "server") {
    if (!(flags & FLAGS.EXTENDED_SESSIONSECURITY))
      throw new SealError("extended session security is required");
    const k = sessionKeys(exportedSessionKey);
    const c2s = new Direction(k.clientSigning, k.clientSealing);
    const s2c = new Direction(k.serverSigning, k.serverSealing);
    this.#out = side === "client" ? c2s : s2c;
    this.#in = side === "client" ? s2c : c2s;
    this.#keyExchange = Boolean(flags & FLAGS.KEY_EXCH);
  }

  /** Encrypt `plain`; returns the sealed bytes and the 16-byte signature. */
  seal(plain: Buffer): { sealed: Buffer; signature: Buffer } {
    const sealed = this.#out.cipher.update(plain);
    return { sealed, signature: this.#out.signature(plain, this.#keyExchange) };
  }

  /** Decrypt and check the signature (checksum and sequence number); throws SealError on mismatch. */
  unseal(sealed: Buffer, signature: Buffer): Buffer {
    if (signature.length !== 16) throw new SealError(`signature is ${signature.length} bytes, expected 16`);
    const plain = this.#in.cipher.update(sealed);
    const expected = this.#in.signature(plain, this.#keyExchange);
    if (!timingSafeEqual(expected, signature)) {
      throw new SealError("sealed message signature or sequence number does not match");
    }
    return plain;
  }
}
