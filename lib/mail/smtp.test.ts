import { afterAll, expect, test } from "bun:test";
import { formatMessage, parseSmtpUrl, SmtpError, sendMail } from "./smtp.ts";
import { startSmtpTestServer } from "./smtp-test-server.ts";

const server = await startSmtpTestServer({ refuseRcpt: "nobody@clinic.example" });
afterAll(() => server.close());

test("delivers a message over a real loopback SMTP conversation, with AUTH PLAIN and dot-stuffing", async () => {
  const url = server.url.replace("smtp://", "smtp://mailer:s%40cret@");
  const got = server.next();
  await sendMail(parseSmtpUrl(url), {
    from: "portal@msp.example",
    to: "doctor@clinic.example",
    subject: "Your sign-in link",
    text: "Hello\n.hidden line\nbye",
  });
  const m = await got;
  expect(m.from).toBe("portal@msp.example");
  expect(m.to).toEqual(["doctor@clinic.example"]);
  expect(m.auth).toBe("\u0000mailer\u0000s@cret");
  expect(m.data).toContain("Subject: Your sign-in link\r\n");
  expect(m.data).toContain("\r\n\r\nHello\r\n.hidden line\r\nbye\r\n");
});

test("a refused recipient is an error naming the step and the server's answer", async () => {
  const p = sendMail(parseSmtpUrl(server.url), {
    from: "portal@msp.example",
    to: "nobody@clinic.example",
    subject: "x",
    text: "x",
  });
  await expect(p).rejects.toThrow(/RCPT TO refused: 550 no such user/);
});

test("an unreachable server is an error naming the address", async () => {
  const p = sendMail(parseSmtpUrl("smtp://127.0.0.1:1"), {
    from: "a@b.c",
    to: "d@e.f",
    subject: "x",
    text: "x",
  });
  await expect(p).rejects.toThrow(/127\.0\.0\.1:1: cannot connect/);
});

test.each([
  ["smtp://relay.lan", { host: "relay.lan", port: 25, tls: false }],
  ["smtps://u:p@mail.example:2465", { host: "mail.example", port: 2465, tls: true, user: "u", pass: "p" }],
])("parseSmtpUrl(%s)", (url, want) => {
  expect(parseSmtpUrl(url)).toEqual(want);
});

test.each(["http://x", "not a url"])("parseSmtpUrl refuses %s", (url) => {
  expect(() => parseSmtpUrl(url)).toThrow(SmtpError);
});

test("header injection is refused", () => {
  expect(() =>
    formatMessage(
      { from: "a@b.c", to: "d@e.f", subject: "hi\r\nBcc: x@y.z", text: "" },
      new Date(),
      "id@b.c",
    ),
  ).toThrow(/subject must not contain line breaks/);
});
