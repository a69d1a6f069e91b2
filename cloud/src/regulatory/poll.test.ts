import { afterAll, beforeEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { regulatoryDocuments, regulatoryPolls } from "../db/schema/regulatory.ts";
import { HOLDER, releaseLease, tryLease } from "../jobs/lease.ts";
import { startJobs } from "../jobs/runner.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { regulatoryFeed } from "./feed.ts";
import { regulatoryJob } from "./job.ts";
import { pollRegulatory } from "./poll.ts";
import { RegulatoryFeedView } from "./schemas.ts";
import type { RegulatorySettings } from "./settings.ts";

type Answer = string | { status: number; body: string };

// A loopback Federal Register serving recorded answers keyed by `<term>#<page>`.
const answers = new Map<string, Answer>();
const requests: URL[] = [];
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    const url = new URL(req.url);
    requests.push(url);
    const key = `${url.searchParams.get("conditions[term]")}#${url.searchParams.get("page") ?? "1"}`;
    const a = answers.get(key);
    if (a === undefined || url.pathname !== "/api/v1/documents.json")
      return new Response("no such page", { status: 404 });
    return typeof a === "string"
      ? new Response(a, { headers: { "content-type": "application/json" } })
      : new Response(a.body, { status: a.status });
  },
});
afterAll(() => server.stop(true));
const BASE = `http://127.0.0.1:${server.port}/api/v1`;
const fixture = (name: string) =>
  readFileSync(join(import.meta.dir, "fixtures", name), "utf8").replaceAll("__BASE__", BASE);

const settings: RegulatorySettings = {
  baseUrl: BASE,
  terms: ["HIPAA", "protected health information", "HITECH"],
  intervalMs: 6 * 3_600_000,
  lookbackDays: 365,
};

function serveRecorded() {
  answers.clear();
  answers.set("HIPAA#1", fixture("hipaa-page1.json"));
  answers.set("HIPAA#2", fixture("hipaa-page2.json"));
  answers.set("protected health information#1", fixture("phi-page1.json"));
  answers.set("HITECH#1", fixture("empty.json"));
}

describeEachDb("regulatory poll", (cloud) => {
  beforeEach(async () => {
    const c = cloud();
    await c.deps.db.delete(regulatoryDocuments);
    await c.deps.db.delete(regulatoryPolls);
    c.clock.set("2026-11-25T12:00:00.000Z");
    serveRecorded();
    requests.length = 0;
  });

  test("follows next_page_url, stores each document once, and skips polls until the interval passed", async () => {
    const c = cloud();
    const first = await pollRegulatory(c.deps, settings);
    expect(first).toEqual({ status: "ok", seen: 4, stored: 4 });
    expect(
      requests.map((u) => `${u.searchParams.get("conditions[term]")}#${u.searchParams.get("page") ?? 1}`),
    ).toEqual(["HIPAA#1", "HIPAA#2", "protected health information#1", "HITECH#1"]);
    // The first poll looks back lookbackDays.
    expect(requests[0]!.searchParams.get("conditions[publication_date][gte]")).toBe("2025-11-25");

    const feed = await regulatoryFeed(c.deps.db);
    expect(v.is(RegulatoryFeedView, feed)).toBe(true);
    expect(feed.documents.map((d) => [d.documentNumber, d.type, d.matchedTerm])).toEqual([
      ["2025-11873", "Notice", "protected health information"],
      ["2024-30983", "Proposed Rule", "HIPAA"],
      ["2024-08503", "Rule", "HIPAA"],
      ["2024-02544", "Rule", "HIPAA"],
    ]);
    expect(feed.documents[1]).toMatchObject({
      title: "HIPAA Security Rule To Strengthen the Cybersecurity of Electronic Protected Health Information",
      htmlUrl:
        "https://www.federalregister.gov/documents/2025/01/06/2024-30983/hipaa-security-rule-to-strengthen-the-cybersecurity-of-electronic-protected-health-information",
      publicationDate: "2025-01-06",
      agencies: [
        "Health and Human Services Department",
        "Civil Rights Office, Health and Human Services Department",
      ],
    });
    // An agency without a display name falls back to its raw name; a null abstract stays null.
    expect(feed.documents[0]).toMatchObject({
      agencies: ["DEPARTMENT OF HEALTH AND HUMAN SERVICES"],
      abstract: null,
    });
    expect(feed).toMatchObject({ lastSuccessAt: "2026-11-25T12:00:00.000Z", lastError: null });

    requests.length = 0;
    expect((await pollRegulatory(c.deps, settings)).status).toBe("not-due");
    expect(requests).toEqual([]);

    c.clock.advance(7 * 3_600_000);
    expect(await pollRegulatory(c.deps, settings)).toEqual({ status: "ok", seen: 4, stored: 0 });
    // Later polls overlap the last success by a week.
    expect(requests[0]!.searchParams.get("conditions[publication_date][gte]")).toBe("2026-11-18");
    expect((await regulatoryFeed(c.deps.db)).documents).toHaveLength(4);
  });

  test.each([
    {
      name: "a malformed document on page 2",
      key: "HIPAA#2",
      answer: () => fixture("malformed-page2.json"),
      error: ["page=2", "malformed answer", "results.0.title", "results.0.html_url"],
    },
    {
      name: "an HTTP 500",
      key: "protected health information#1",
      answer: () => ({ status: 500, body: "oops" }),
      error: ["HTTP 500"],
    },
    {
      name: "an answer that is not JSON",
      key: "HITECH#1",
      answer: () => "<html>maintenance</html>",
      error: ["answer is not JSON"],
    },
    {
      name: "a page without count",
      key: "HITECH#1",
      answer: () => JSON.stringify({ description: "x", results: [] }),
      error: ["malformed answer", "count"],
    },
    {
      name: "next_page_url on another host",
      key: "HIPAA#1",
      answer: () => fixture("hipaa-page1.json").replace(BASE, "https://evil.example/api/v1"),
      error: ["refusing next_page_url on another host: https://evil.example/"],
    },
  ])("$name: clear error logged and kept, nothing stored", async ({ key, answer, error }) => {
    const c = cloud();
    answers.set(key, answer());
    const r = await pollRegulatory(c.deps, settings);
    expect(r.status).toBe("failed");
    for (const part of error) expect(r.error).toContain(part);
    // Not even the pages and terms that were fine.
    expect(await c.deps.db.select().from(regulatoryDocuments)).toEqual([]);
    const feed = await regulatoryFeed(c.deps.db);
    expect(feed.lastError).toBe(r.error!);
    expect(feed.lastSuccessAt).toBeNull();
    const logged = (c.deps.logger as unknown as { lines: Record<string, unknown>[] }).lines;
    expect(logged.at(-1)).toMatchObject({
      level: "error",
      msg: "regulatory poll failed; nothing stored",
      error: r.error,
    });

    // Fixed feed: the next tick retries at once (a failure does not wait for the interval).
    serveRecorded();
    expect((await pollRegulatory(c.deps, settings)).stored).toBe(4);
    expect((await regulatoryFeed(c.deps.db)).lastError).toBeNull();
  });

  test("the scheduled job polls only on the instance holding the lease", async () => {
    const c = cloud();
    const job = regulatoryJob(settings, 15);
    expect(await tryLease(c.deps.db, c.clock, job.name, 60_000, "other-instance")).toBe(true);
    const blocked = startJobs(c.deps, [job]);
    await Bun.sleep(120);
    await blocked.stop();
    expect(requests).toEqual([]);

    await releaseLease(c.deps.db, job.name, "other-instance");
    const running = startJobs(c.deps, [job]);
    for (let i = 0; i < 250 && (await c.deps.db.select().from(regulatoryDocuments)).length < 4; i++)
      await Bun.sleep(20);
    await running.stop();
    expect(await c.deps.db.select().from(regulatoryDocuments)).toHaveLength(4);
    await releaseLease(c.deps.db, job.name, HOLDER);
  });

  test("GET /api/regulatory serves the feed to any admin role, never anonymously", async () => {
    const c = cloud();
    await pollRegulatory(c.deps, settings);
    const token = await c.adminToken("read-only");
    const r = await c.call("GET", "/api/regulatory?limit=2", { bearer: token });
    expect(r.status).toBe(200);
    const body = v.parse(RegulatoryFeedView, await r.json());
    expect(body.documents.map((d) => d.documentNumber)).toEqual(["2025-11873", "2024-30983"]);
    expect((await c.call("GET", "/api/regulatory")).status).toBe(401);
    expect((await c.call("GET", "/api/regulatory?limit=0", { bearer: token })).status).toBe(400);
  });
});
