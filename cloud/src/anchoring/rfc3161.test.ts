import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { requirement } from "../../../test/support/requirement.ts";
import {
  buildTimestampRequest,
  checkTimestampResponse,
  describeToken,
  parsePemCertificates,
  requestTimestamp,
  TimestampError,
} from "./rfc3161.ts";
import { startTestTsa, type TestTsa } from "./testing/openssl-tsa.ts";

const haveOpenssl = requirement("openssl", Bun.which("openssl") !== null, "apt-get install openssl");

describe.if(haveOpenssl)("RFC 3161 against openssl ts -reply", () => {
  let tsa: TestTsa;
  beforeAll(() => {
    tsa = startTestTsa();
  });
  afterAll(() => tsa.stop());

  const note =
    "cloud.example/tlog/site-a\n3\nq0GSAxyjwzCmp+cBn/q3r1gRdbWW6FnzmhBlMz9MdGA=\n\n— cloud.example/tlog/site-a AAAA\n";

  test("a token the library checked is verified by openssl ts -verify over the same text", async () => {
    const t = await requestTimestamp(tsa.url, note, { trustedCerts: parsePemCertificates(tsa.caPem) });
    const v = tsa.verify(t.token, note);
    expect(v.output).toContain("Verification: OK");
    expect(v.ok).toBe(true);
    expect(Math.abs(t.genTime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(describeToken(t.token)).toEqual({ genTime: t.genTime, serial: t.serial });
    // and not over another text
    expect(tsa.verify(t.token, `${note}x`).ok).toBe(false);
  });

  test("a chain to a CA that did not issue the TSA certificate is refused", async () => {
    const other = startTestTsa();
    try {
      await expect(
        requestTimestamp(tsa.url, note, { trustedCerts: parsePemCertificates(other.caPem) }),
      ).rejects.toThrow(TimestampError);
    } finally {
      await other.stop();
    }
  });

  test("an answer to another request (imprint, nonce) is refused naming what differs", async () => {
    const req = buildTimestampRequest(note);
    const res = await fetch(tsa.url, {
      method: "POST",
      headers: { "content-type": "application/timestamp-query" },
      body: req.der,
    });
    const der = new Uint8Array(await res.arrayBuffer());
    await checkTimestampResponse(der, req, { where: "t" });
    await expect(checkTimestampResponse(der, buildTimestampRequest("other"), { where: "t" })).rejects.toThrow(
      "different digest",
    );
    await expect(
      checkTimestampResponse(der, { ...req, nonce: req.nonce + 1n }, { where: "t" }),
    ).rejects.toThrow("nonce");
    const flipped = der.slice();
    flipped[flipped.length - 10]! ^= 0x01;
    await expect(checkTimestampResponse(flipped, req, { where: "t" })).rejects.toThrow(TimestampError);
    await expect(checkTimestampResponse(new Uint8Array([1, 2, 3]), req, { where: "t" })).rejects.toThrow(
      "not a TimeStampResp",
    );
  });

  test("a TSA that fails is an error naming its URL and status", async () => {
    tsa.failing = true;
    try {
      await expect(requestTimestamp(tsa.url, note)).rejects.toThrow(`TSA ${tsa.url}: HTTP 503`);
    } finally {
      tsa.failing = false;
    }
  });
});
