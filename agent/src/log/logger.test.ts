import { expect, test } from "bun:test";
import { jsonLogger } from "./logger.ts";

test("JSON lines: level filter, stdout/stderr split, child fields, errors, scrubbing", () => {
  const out: string[] = [];
  const err: string[] = [];
  const log = jsonLogger({
    level: "info",
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => new Date("2026-11-25T10:00:00Z"),
    scrub: (l) => l.replace(/\d{3}-\d{2}-\d{4}/g, "[SSN]"),
  }).child({ component: "daemon" });
  log.debug("hidden");
  log.info("cycle done", { findings: 11 });
  log.error("upload failed", { error: new Error("boom"), note: "patient 123-45-6789" });
  expect(out).toHaveLength(1);
  expect(JSON.parse(out[0]!)).toEqual({
    ts: "2026-11-25T10:00:00.000Z",
    level: "info",
    msg: "cycle done",
    component: "daemon",
    findings: 11,
  });
  expect(JSON.parse(err[0]!)).toMatchObject({
    level: "error",
    error: { name: "Error", message: "boom" },
    note: "patient [SSN]",
  });
});
