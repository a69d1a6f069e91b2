import { expect, test } from "bun:test";
import { canonicalize } from "../../../protocol/canonical.ts";
import { describeEachDb } from "../testing/each-db.ts";
import { insertStoredRow } from "../testing/stored-chains.ts";
import { uploadAs } from "../web/testing/seed.ts";
import { auditWindows, readWindow } from "./audit-windows.ts";
import { evidenceBodies } from "./bodies.ts";

describeEachDb("audit windows", (cloud) => {
  test("windows read the stored texts in sequence order, whether bodies are in the store or in their row", async () => {
    const c = cloud();
    await c.createSite("s-windows");
    const stored = await c.createAppliance("s-windows", "app-windows-a");
    const own = await c.createAppliance("s-windows", "app-windows-b");
    const fromStore = stored.nextBundles(7);
    await uploadAs(c, stored, fromStore);
    // Rows stored before migration 2400 hold their body: read row by row.
    const inRow = own.nextBundles(5);
    for (const b of inRow) await insertStoredRow(c.deps.db, "s-windows", b);
    const reader = { db: c.deps.db, bodies: evidenceBodies(c.deps.db, c.deps.store, { maxCacheBytes: 0 }) };
    const { windows, rows } = await auditWindows(c.deps.db, "s-windows", 3);
    expect(rows).toBe(12);
    const texts: string[] = [];
    for (const w of windows) texts.push(...(await readWindow(reader, "s-windows", w)));
    expect(texts).toEqual([...fromStore, ...inRow].map((b) => canonicalize(b)));
    // A window past the stored rows reads nothing.
    expect(
      await readWindow(reader, "s-windows", { applianceId: stored.applianceId, fromSeq: 8, toSeq: 9 }),
    ).toEqual([]);
  });
});
