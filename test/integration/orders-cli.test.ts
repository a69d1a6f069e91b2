import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CliError, type Io } from "../../agent/src/cli/command.ts";
import { ordersCommand } from "../../agent/src/cli/orders.ts";
import type { TestCloud } from "../../cloud/src/testing/test-cloud.ts";
import { type ServedCloud, serveTestCloud, withAdminToken } from "../support/served-cloud.ts";

let served: ServedCloud;
let cloud: TestCloud;
let base: string;
let admin: string;
let tech: string;

beforeAll(async () => {
  served = await serveTestCloud();
  ({ cloud, base } = served);
  await cloud.createSite("site-a");
  await cloud.createAppliance("site-a", "app-a1");
  admin = await cloud.adminToken("msp-admin");
  tech = await cloud.adminToken("msp-tech");
}, 60_000);

afterAll(async () => {
  await served?.stop();
});

async function run(args: string[], token: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => out.push(t), interactive: false };
  return withAdminToken(token, async () => ({
    code: await ordersCommand.run([...args, "--cloud", base], io),
    out,
  }));
}

async function proposal(): Promise<string> {
  const r = await cloud.call("POST", "/api/sites/site-a/orders", {
    bearer: tech,
    body: {
      applianceId: "app-a1",
      type: "run_runbook",
      params: { runbookId: "linux.time-sync", host: "appliance", params: {} },
      reason: "proposed over MCP",
      requireApproval: true,
    },
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { orders: { id: string }[] }).orders[0]!.id;
}

describe("malachor orders (against a cloud on loopback)", () => {
  test("list shows orders waiting for approval; approve releases one", async () => {
    const id = await proposal();
    const listed = await run(["list", "site-a", "--state", "pending-approval"], admin);
    expect(listed.code).toBe(0);
    expect(listed.out.join("\n")).toContain(`${id}  pending-approval`);
    expect(listed.out.join("\n")).toContain("run_runbook linux.time-sync on appliance");
    const approved = await run(["approve", id, "--json"], admin);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.out[0]!)).toMatchObject({ id, state: "pending" });
  });

  test("reject with a reason", async () => {
    const id = await proposal();
    const r = await run(["reject", id, "--reason", "not during clinic hours"], admin);
    expect(r.out[0]).toMatch(new RegExp(`^rejected: ${id}  rejected .*not during clinic hours`));
  });

  test("refusals are CliErrors naming the problem", async () => {
    const id = await proposal();
    await expect(run(["approve", id], tech)).rejects.toThrow(/cloud refused \(403\): .*msp-admin/);
    await expect(run(["approve", id], "wrong")).rejects.toThrow(/cloud refused \(401\)/);
    await expect(run(["list", "bad id!"], admin)).rejects.toThrow(/siteId "bad id!"/);
    await expect(run(["list", "site-a", "--state", "nope"], admin)).rejects.toThrow(
      /--state "nope": must be one of/,
    );
    await expect(run(["frobnicate", "x"], admin)).rejects.toBeInstanceOf(CliError);
    await expect(run(["approve", "ord_missing"], admin)).rejects.toThrow(/404.*no order/);
  });
});
