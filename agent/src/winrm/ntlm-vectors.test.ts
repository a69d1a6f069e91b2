/**
 * Known answers from the NTLM specification itself ([MS-NLMP] section 4.2.4, NTLMv2 with extended
 * session security): the client and the test server share this code, so a test between them alone
 * could pass with both wrong in the same way. These values come from the specification's examples:
 * user "User", domain "Domain", password "Password", server challenge 0123456789abcdef, client
 * challenge aa×8, timestamp 0, random session key 55×16, target info Domain/Server.
 */
import { describe, expect, test } from "bun:test";
import {
  AV,
  encodeAvPairs,
  FLAGS,
  ntlmv2Proof,
  ntlmv2Temp,
  ntowfv2,
  parseChallenge,
  rc4,
  utf16,
} from "./ntlm.ts";
import { SessionSecurity, sessionKeys } from "./sealing.ts";

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ""), "hex");

// [MS-NLMP] 4.2.4.3: the CHALLENGE message of the example.
const CHALLENGE = hex(`
  4e544c4d53535000 02000000 0c000c00 38000000 33828ae2 0123456789abcdef 0000000000000000
  24002400 44000000 0600701700 00000f 530065007200760065007200
  02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000`);
const SERVER_CHALLENGE = hex("0123456789abcdef");
const CLIENT_CHALLENGE = hex("aaaaaaaaaaaaaaaa");
const RANDOM_SESSION_KEY = hex("55555555555555555555555555555555");

describe("[MS-NLMP] 4.2.4 NTLMv2 known answers", () => {
  test("NTOWFv2 (4.2.4.1.1)", () => {
    expect(ntowfv2("Password", "User", "Domain").toString("hex")).toBe("0c868a403bfd7a93a3001ef22ef02e3f");
  });

  test("the example CHALLENGE parses to its server challenge, flags and Domain/Server target info", () => {
    const ch = parseChallenge(CHALLENGE);
    expect(ch.serverChallenge).toEqual(SERVER_CHALLENGE);
    expect(ch.flags & FLAGS.EXTENDED_SESSIONSECURITY).toBeTruthy();
    expect(ch.flags & FLAGS.KEY_EXCH).toBeTruthy();
    expect(ch.targetInfo).toEqual(
      encodeAvPairs([
        { id: AV.NB_DOMAIN, value: utf16("Domain") },
        { id: AV.NB_COMPUTER, value: utf16("Server") },
      ]),
    );
  });

  test("NTProofStr (4.2.4.2.2), SessionBaseKey (4.2.4.1.2) and the encrypted session key (4.2.4.2.3)", () => {
    const ch = parseChallenge(CHALLENGE);
    const temp = ntlmv2Temp(Buffer.alloc(8), CLIENT_CHALLENGE, ch.targetInfo);
    const { proof, sessionBaseKey } = ntlmv2Proof(
      ntowfv2("Password", "User", "Domain"),
      SERVER_CHALLENGE,
      temp,
    );
    expect(proof.toString("hex")).toBe("68cd0ab851e51c96aabc927bebef6a1c");
    expect(sessionBaseKey.toString("hex")).toBe("8de40ccadbc14a82f15cb0ad0de95ca3");
    expect(rc4(sessionBaseKey, RANDOM_SESSION_KEY).toString("hex")).toBe("c5dad2544fc9799094ce1ce90bc9d03e");
  });

  test("signing and sealing keys of both directions (3.4.5.2, 3.4.5.3)", () => {
    const k = sessionKeys(RANDOM_SESSION_KEY);
    expect(k.clientSigning.toString("hex")).toBe("4788dc861b4782f35d43fd98fe1a2d39");
    expect(k.serverSigning.toString("hex")).toBe("d04d6f10741041d1d246d64188d7a8ad");
    expect(k.clientSealing.toString("hex")).toBe("59f600973cc4960a25480a7c196e4c58");
    expect(k.serverSealing.toString("hex")).toBe("9355f3a957c1583d25c4c2f11e40390e");
  });

  test('GSS_WrapEx of "Plaintext" (4.2.4.4): sealed bytes and signature with key exchange', () => {
    const flags = FLAGS.EXTENDED_SESSIONSECURITY | FLAGS.KEY_EXCH | FLAGS.SEAL;
    const client = new SessionSecurity(RANDOM_SESSION_KEY, flags, "client");
    const { sealed, signature } = client.seal(utf16("Plaintext"));
    expect(sealed.toString("hex")).toBe("54e50165bf1936dc996020c1811b0f06fb5f");
    expect(signature.toString("hex")).toBe("010000007fb38ec5c55d497600000000");
    // And the server side of the same session opens it.
    const server = new SessionSecurity(RANDOM_SESSION_KEY, flags, "server");
    expect(server.unseal(sealed, signature)).toEqual(utf16("Plaintext"));
  });
});
