import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isLoopbackHost, parseSmtpUrl, SmtpError, type SmtpTarget, sendMail } from "./smtp.ts";
import { bodyText, startSmtpTestServer } from "./smtp-test-server.ts";

// The test certificate of the WinRM test server: self-signed, for localhost and 127.0.0.1.
const fixtures = join(import.meta.dir, "..", "..", "test", "winrm-server", "fixtures");
const cert = {
  cert: readFileSync(join(fixtures, "tls-cert.pem"), "utf8"),
  key: readFileSync(join(fixtures, "tls-key.pem"), "utf8"),
};

const plain = await startSmtpTestServer({ refuseRcpt: "nobody@clinic.example" });
const starttls = await startSmtpTestServer({ starttls: cert });
const implicit = await startSmtpTestServer({ implicitTls: cert });
afterAll(() => Promise.all([plain.close(), starttls.close(), implicit.close()]));

const message = {
  from: "portal@msp.example",
  to: "doctor@clinic.example",
  subject: "Your sign-in link",
  text: "Hello\n.hidden line\nbye",
};

/** A target that must use TLS and trusts the test certificate, as a remote relay would be reached. */
function remote(port: number, tls = false, ca: string | null = cert.cert): SmtpTarget {
  return {
    host: "127.0.0.1",
    port,
    tls,
    requireTls: true,
    user: "mailer",
    pass: "s@cret",
    ...(ca ? { ca } : {}),
  };
}

test("a server beyond loopback is reached over STARTTLS with a verified certificate; AUTH only inside TLS", async () => {
  const got = starttls.next();
  await sendMail(remote(starttls.port), message);
  const m = await got;
  expect(m.tls).toBe(true);
  expect(m.from).toBe("portal@msp.example");
  expect(m.to).toEqual(["doctor@clinic.example"]);
  expect(m.auth).toBe("\u0000mailer\u0000s@cret");
  expect(m.data).toContain("Subject: Your sign-in link\r\n");
  expect(bodyText(m)).toBe("Hello\r\n.hidden line\r\nbye\r\n");
  const inClear = starttls.commands.filter((c) => !c.tls).map((c) => c.line.split(" ")[0]!.toUpperCase());
  expect(inClear.every((v) => v === "EHLO" || v === "STARTTLS")).toBe(true);
  expect(starttls.commands.some((c) => c.tls && c.line.toUpperCase().startsWith("AUTH"))).toBe(true);
});

test("smtps:// speaks TLS from the first byte", async () => {
  const got = implicit.next();
  await sendMail(remote(implicit.port, true), message);
  expect((await got).tls).toBe(true);
});

test("a server beyond loopback that offers no STARTTLS is refused before anything is sent", async () => {
  const before = plain.commands.length;
  await expect(sendMail(remote(plain.port), message)).rejects.toThrow(/TLS required/);
  const sent = plain.commands.slice(before).map((c) => c.line.split(" ")[0]!.toUpperCase());
  expect(sent.filter((v) => !["EHLO", "STARTTLS", "QUIT"].includes(v))).toEqual([]);
  expect(plain.received).toEqual([]);
});

test("a certificate that does not verify is refused (self-signed, not trusted here)", async () => {
  await expect(sendMail(remote(starttls.port, false, null), message)).rejects.toThrow(SmtpError);
  await expect(sendMail(remote(implicit.port, true, null), message)).rejects.toThrow(SmtpError);
});

test("a relay on loopback may speak plain SMTP (nothing leaves the machine)", async () => {
  const got = plain.next();
  await sendMail(parseSmtpUrl(plain.url), message);
  expect((await got).tls).toBe(false);
});

test("a refused recipient is an error naming the step and the server's answer", async () => {
  await expect(
    sendMail(parseSmtpUrl(plain.url), { ...message, to: "nobody@clinic.example" }),
  ).rejects.toThrow(/550 no such user/);
});

test("an unreachable server is an error naming the address", async () => {
  await expect(sendMail(parseSmtpUrl("smtp://127.0.0.1:1"), message)).rejects.toThrow(
    /127\.0\.0\.1:1: cannot connect/,
  );
});

test.each([
  ["smtp://relay.lan", { host: "relay.lan", port: 25, tls: false, requireTls: true }],
  ["smtp://127.0.0.1:2525", { host: "127.0.0.1", port: 2525, tls: false, requireTls: false }],
  ["smtp://[::1]:2525", { host: "::1", port: 2525, tls: false, requireTls: false }],
  [
    "smtps://u:p@mail.example:2465",
    { host: "mail.example", port: 2465, tls: true, requireTls: true, user: "u", pass: "p" },
  ],
])("parseSmtpUrl(%s)", (url, want) => {
  expect(parseSmtpUrl(url)).toEqual(want);
});

test.each([
  ["localhost", true],
  ["127.8.9.10", true],
  ["::1", true],
  ["relay.lan", false],
  ["10.0.0.5", false],
  ["127.example.com", false],
])("isLoopbackHost(%s) = %s", (host, want) => {
  expect(isLoopbackHost(host)).toBe(want);
});

test.each(["http://x", "not a url"])("parseSmtpUrl refuses %s", (url) => {
  expect(() => parseSmtpUrl(url)).toThrow(SmtpError);
});

test("header injection is refused", async () => {
  await expect(
    sendMail(parseSmtpUrl(plain.url), { ...message, subject: "hi\r\nBcc: x@y.z" }),
  ).rejects.toThrow(/subject must not contain line breaks/);
});
