import { afterAll, beforeAll, expect, test } from "bun:test";
import { sendMail } from "../../../../lib/mail/smtp.ts";
import { bodyText, type SmtpTestServer, startSmtpTestServer } from "../../../../lib/mail/smtp-test-server.ts";
import { memoryLogger } from "../../logger.ts";
import { makeTestCloud, type TestCloud } from "../../testing/test-cloud.ts";
import { smtpMailer } from "../mail/mailer.ts";
import { webOptionsFromEnv } from "../options.ts";
import { createPortalUser } from "../portal-users/create.ts";
import { consumeMagicLink, requestMagicLinks } from "./magic-link.ts";

let c: TestCloud;
let smtp: SmtpTestServer;

beforeAll(async () => {
  c = await makeTestCloud();
  smtp = await startSmtpTestServer();
  await c.createSite("site-mail");
  await c.createSite("site-mail-2");
  for (const siteId of ["site-mail", "site-mail-2"]) {
    await createPortalUser({ ctx: c.systemCtx(), input: { siteId, email: "officer@clinic.example" } });
  }
}, 60_000);
afterAll(async () => {
  await smtp?.close();
  await c?.close();
});

test("links go out by real SMTP, one per site of the address, each single-use", async () => {
  const sent = await requestMagicLinks(
    c.deps,
    smtpMailer(smtp.url, "portal@msp.example"),
    "officer@clinic.example",
  );
  expect(sent).toBe(2);
  expect(smtp.received.length).toBe(2);
  const sites = new Set<string>();
  for (const m of smtp.received) {
    expect(m.from).toBe("portal@msp.example");
    expect(m.to).toEqual(["officer@clinic.example"]);
    const token = /\/portal\/magic\/([A-Za-z0-9_-]{43})/.exec(bodyText(m))![1]!;
    const used = await consumeMagicLink(c.deps.db, c.clock, token);
    expect(used).not.toBeNull();
    sites.add(used!.siteId);
    expect(await consumeMagicLink(c.deps.db, c.clock, token)).toBeNull();
  }
  expect([...sites].sort()).toEqual(["site-mail", "site-mail-2"]);
});

test.each(["", "short", "x".repeat(43).replace(/x/g, "!")])(
  "junk token %p is refused without a query",
  async (t) => {
    expect(await consumeMagicLink(c.deps.db, c.clock, t)).toBeNull();
  },
);

test("SMTP_URL picks the SMTP mailer; a bad URL or MAIL_LOG_LINKS value names the variable", () => {
  const log = memoryLogger();
  expect(webOptionsFromEnv({ SMTP_URL: "smtp://relay.lan:25" }, log).mailer.describe).toBe(
    "smtp://relay.lan:25",
  );
  expect(() => webOptionsFromEnv({ SMTP_URL: "http://relay" }, log)).toThrow(
    /SMTP_URL: must start with smtp/,
  );
  expect(() => webOptionsFromEnv({ MAIL_LOG_LINKS: "yes" }, log)).toThrow(/MAIL_LOG_LINKS: must be "dev"/);
  expect(() =>
    webOptionsFromEnv({ SMTP_URL: "smtp://relay.lan", SMTP_CA_FILE: "/no/such/ca.pem" }, log),
  ).toThrow(/SMTP_CA_FILE: cannot read \/no\/such\/ca\.pem/);
});

test("without SMTP a sign-in link reaches the log only under MAIL_LOG_LINKS=dev", async () => {
  const quiet = memoryLogger();
  await requestMagicLinks(c.deps, webOptionsFromEnv({}, quiet).mailer, "officer@clinic.example");
  const logged = JSON.stringify(quiet.lines);
  expect(logged).toContain("mail not sent: no SMTP_URL configured");
  expect(logged).toContain("officer@clinic.example");
  expect(logged).not.toMatch(/portal\/magic\//);
  c.clock.advance(c.deps.config.rateLimits.magicLink.windowSec * 1000);
  const dev = memoryLogger();
  await requestMagicLinks(
    c.deps,
    webOptionsFromEnv({ MAIL_LOG_LINKS: "dev" }, dev).mailer,
    "officer@clinic.example",
  );
  expect(JSON.stringify(dev.lines)).toMatch(/portal\/magic\/[A-Za-z0-9_-]{43}/);
});

test("a relay beyond loopback must offer TLS: the cloud's mailer refuses one that does not", async () => {
  // smtp.url is loopback (plain allowed); the same server named by a non-loopback policy must refuse.
  const target = { host: "127.0.0.1", port: smtp.port, tls: false, requireTls: true };
  const before = smtp.received.length;
  await expect(
    sendMail(target, {
      from: "portal@msp.example",
      to: "officer@clinic.example",
      subject: "x",
      text: "link",
    }),
  ).rejects.toThrow(/TLS required/);
  expect(smtp.received.length).toBe(before);
});
