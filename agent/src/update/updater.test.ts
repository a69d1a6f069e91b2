import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EvidenceEvent } from "../../../protocol/evidence.ts";
import { generateKeyPair } from "../../../protocol/sign.ts";
import { signPayload } from "../../../protocol/signed.ts";
import type { UpdateMetadata } from "../../../protocol/update.ts";
import { fakeAgentScript, metadataFor } from "./testing.ts";
import { Updater } from "./updater.ts";

const root = mkdtempSync(join(tmpdir(), "malachor-update-"));
const key = generateKeyPair();
// A real loopback file server: releases by name, and whatever metadata a test publishes.
const files = new Map<string, string>();
let published: unknown = null;
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/agent/update")
      return published === null ? new Response("none", { status: 404 }) : Response.json(published);
    const body = files.get(path);
    return body === undefined ? new Response("not found", { status: 404 }) : new Response(body);
  },
});
afterAll(() => {
  server.stop(true);
  rmSync(root, { recursive: true, force: true });
});
const base = `http://127.0.0.1:${server.port}`;

let n = 0;
function setup(current = "0.1.0") {
  const dir = join(root, `case-${++n}`);
  mkdirSync(dir);
  const target = join(dir, "malachor");
  writeFileSync(target, fakeAgentScript(current), { mode: 0o755 });
  const events: EvidenceEvent[] = [];
  const make = (version: string) =>
    new Updater({
      source: {
        latest: async () => {
          const r = await fetch(`${base}/agent/update`);
          return r.status === 404 ? null : r.json();
        },
        fetchBinary: (url) => fetch(new URL(url, base)),
      },
      trustedKey: key.publicKey,
      currentVersion: version,
      target,
      stateDir: dir,
      events: (e) => {
        events.push(e);
      },
    });
  return { dir, target, events, updater: make(current), restartAs: make };
}
function publish(version: string, script: string, over: Partial<UpdateMetadata> = {}) {
  const path = `/releases/${version}-${++n}`;
  files.set(path, script);
  const meta = { ...metadataFor(script, version, path), ...over };
  published = signPayload(meta, key.secretKey);
  return meta;
}

describe("Updater", () => {
  test("nothing published → nothing to do", async () => {
    published = null;
    expect(await setup().updater.check()).toEqual({ status: "none" });
  });

  test("a newer release is downloaded, verified, swapped in, health-checked; previous kept; confirmed after restart", async () => {
    const s = setup();
    const newScript = fakeAgentScript("0.2.0");
    publish("0.2.0", newScript);
    expect(await s.updater.check()).toEqual({ status: "installed", version: "0.2.0", restart: true });
    expect(readFileSync(s.target, "utf8")).toBe(newScript);
    expect(readFileSync(`${s.target}.prev`, "utf8")).toBe(fakeAgentScript("0.1.0"));
    expect(existsSync(`${s.target}.new`)).toBe(false);
    // The supervisor restarts the daemon as the new version, which confirms after a healthy cycle.
    const after = s.restartAs("0.2.0");
    expect(await after.startup()).toEqual({ status: "confirming", version: "0.2.0" });
    expect(await after.confirm()).toBe(true);
    expect(s.events.map((e) => [e.type, e.details.from, e.details.to])).toEqual([
      ["agent-updated", "0.1.0", "0.2.0"],
    ]);
    expect(await after.startup()).toEqual({ status: "none" });
  });

  test.each([
    [
      "a SHA-256 mismatch",
      { sha256: "0".repeat(64) },
      /SHA-256 [0-9a-f]{64} does not match the signed 0{64}/,
    ],
    ["a larger file than signed", { size: 10 }, /larger than the signed size of 10 bytes/],
    ["a shorter file than signed", { size: 100_000 }, /got \d+ bytes, the signed size is 100000/],
    ["a missing file", { url: "/releases/none" }, /HTTP 404/],
  ])("%s fails the update and leaves the running binary untouched", async (_n, over, reason) => {
    const s = setup();
    publish("0.2.0", fakeAgentScript("0.2.0"), over);
    const r = await s.updater.check();
    expect(r.status).toBe("failed");
    expect(r.status === "failed" && r.reason).toMatch(reason);
    expect(readFileSync(s.target, "utf8")).toBe(fakeAgentScript("0.1.0"));
    expect(existsSync(`${s.target}.new`)).toBe(false);
    expect(s.events[0]?.type).toBe("update-refused");
  });

  test.each([
    ["self-test fails", fakeAgentScript("0.2.0", 1), /self-test exited 1/],
    [
      "reports another version",
      fakeAgentScript("0.1.5"),
      /printed "malachor 0.1.5", expected "malachor 0.2.0"/,
    ],
    ["is not executable at all", "\x7fELF garbage", /--version (could not start|exited)/],
  ])("a release whose binary %s is rolled back", async (_n, script, reason) => {
    const s = setup();
    publish("0.2.0", script);
    const r = await s.updater.check();
    expect(r.status).toBe("rolled-back");
    expect(r.status === "rolled-back" && r.reason).toMatch(reason);
    expect(readFileSync(s.target, "utf8")).toBe(fakeAgentScript("0.1.0"));
    expect(s.events[0]).toMatchObject({ type: "update-refused", details: { code: "health-check-failed" } });
    expect(existsSync(join(s.dir, "update-pending.json"))).toBe(false);
  });

  test("an older or equal release is never installed; the refusal of an older one is recorded once", async () => {
    const s = setup("0.3.0");
    publish("0.2.0", fakeAgentScript("0.2.0"));
    expect(await s.updater.check()).toMatchObject({ status: "skipped", code: "not-newer" });
    expect(await s.updater.check()).toMatchObject({ status: "skipped", code: "not-newer" });
    expect(readFileSync(s.target, "utf8")).toBe(fakeAgentScript("0.3.0"));
    expect(s.events.map((e) => e.type)).toEqual(["update-refused"]);
    publish("0.3.0", fakeAgentScript("0.3.0"));
    await s.updater.check();
    expect(s.events).toHaveLength(1); // the running version itself is the steady state, not news
  });

  test("expired metadata: keep running, a warn finding naming the expiry, one event", async () => {
    const s = setup();
    publish("0.2.0", fakeAgentScript("0.2.0"), { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    expect(await s.updater.check()).toMatchObject({ status: "skipped", code: "expired" });
    await s.updater.check();
    expect(readFileSync(s.target, "utf8")).toBe(fakeAgentScript("0.1.0"));
    expect(s.updater.finding("appliance")).toMatchObject({
      checkId: "agent.update-metadata",
      status: "warn",
      actual: expect.stringMatching(/expired at .*staying on 0\.1\.0/),
    });
    expect(s.events.map((e) => e.type)).toEqual(["update-refused"]);
    // Re-signed metadata clears the warning.
    publish("0.1.0", fakeAgentScript("0.1.0"));
    await s.updater.check();
    expect(s.updater.finding("appliance").status).toBe("pass");
  });

  test("a new version that never confirms is rolled back after repeated starts; the old version reports it", async () => {
    const s = setup();
    publish("0.2.0", fakeAgentScript("0.2.0"));
    await s.updater.check();
    const crashing = s.restartAs("0.2.0");
    for (let i = 0; i < 3; i++) expect((await crashing.startup()).status).toBe("confirming");
    const r = await crashing.startup();
    expect(r).toMatchObject({ status: "rolled-back", version: "0.2.0", restart: true });
    expect(readFileSync(s.target, "utf8")).toBe(fakeAgentScript("0.1.0"));
    const old = s.restartAs("0.1.0");
    expect(await old.startup()).toMatchObject({ status: "rolled-back", restart: false });
    expect(s.events.at(-1)).toMatchObject({
      type: "update-refused",
      details: { code: "rolled-back", version: "0.2.0" },
    });
    expect(await old.startup()).toEqual({ status: "none" });
  });

  test("a binary in a directory it cannot write is not updated, with a clear reason", async () => {
    publish("0.2.0", fakeAgentScript("0.2.0"));
    const events: EvidenceEvent[] = [];
    // /proc refuses new files even to root: like the read-only store of a NixOS appliance.
    const updater = new Updater({
      source: {
        latest: async () => (await fetch(`${base}/agent/update`)).json(),
        fetchBinary: (url) => fetch(new URL(url, base)),
      },
      trustedKey: key.publicKey,
      currentVersion: "0.1.0",
      target: "/proc/self/malachor",
      stateDir: root,
      events: (e) => {
        events.push(e);
      },
    });
    const r = await updater.check();
    expect(r.status).toBe("failed");
    expect(r.status === "failed" && r.reason).toMatch(/needs the binary in a writable directory/);
    expect(events[0]?.type).toBe("update-refused");
  });
});
