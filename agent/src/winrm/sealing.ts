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

class Direction {
  readonly signKey: Buffer;
  readonly cipher: Cipheriv;
  seq = 0;
  constructor(sessionKey: Buffer, name: "client-to-server" | "server-to-client") {
    this.signKey = md5(Buffer.concat([sessionKey, magic(`${name} signing`)]));
    this.cipher = createCipheriv("rc4", md5(Buffer.concat([sessionKey, magic(`${name} sealing`)])), null);
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
    const c2s = new Direction(exportedSessionKey, "client-to-server");
    const s2c = new Direction(exportedSessionKey, "server-to-client");
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
