import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { loadSettings } from "./settings.ts";

test("defaults: every area gets its section, polling and L2 off", () => {
  const s = loadSettings({});
  expect(s.core).toMatchObject({ PORT: 8080, HOST: "127.0.0.1", OBJECT_STORE: "dir" });
  expect(s.web).toMatchObject({ from: "portal@malachor.invalid", logLinks: false });
  expect(s.planner.url).toBe("");
  expect(s.learning).toEqual({ minSuccesses: 5, minSuccessRate: 0.9 });
  expect(s.regulatory).toBeNull();
  expect(s.escrow).toEqual({ ESCROW_KEK_FILE: undefined, ESCROW_KEK: undefined });
});

test("one start-up error names every bad key, across areas", () => {
  let message = "";
  try {
    loadSettings({
      PORT: "http",
      MAIL_FROM: "nobody",
      L2_MIN_CONFIDENCE: "2",
      LEARNING_MIN_SUCCESSES: "0",
      FEDERAL_REGISTER_URL: "not a url",
    });
  } catch (e) {
    message = (e as Error).message;
  }
  for (const key of [
    "PORT",
    "MAIL_FROM",
    "L2_MIN_CONFIDENCE",
    "LEARNING_MIN_SUCCESSES",
    "FEDERAL_REGISTER_URL",
  ]) {
    expect(message).toContain(key);
  }
});

test("nothing below main.ts reads the environment (command-line entry points aside)", () => {
  const root = join(import.meta.dir);
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "testing") walk(p);
        continue;
      }
      if (!/\.tsx?$/.test(e.name) || /\.test\.tsx?$/.test(e.name)) continue;
      const text = readFileSync(p, "utf8");
      // A file with its own `import.meta.main` block is a separate command (setup-roles, publish).
      if (text.includes("import.meta.main")) continue;
      if (/process\.env|Bun\.env/.test(text)) offenders.push(relative(root, p));
    }
  };
  walk(root);
  expect(offenders).toEqual([]);
});

test("an empty variable counts as unset", () => {
  expect(loadSettings({ SMTP_URL: "", PORT: "" }).core.PORT).toBe(8080);
});
