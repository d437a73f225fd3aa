/**
 * Loads split into bounded transactions (MAX_TXN_BYTES), as on a Galera cluster or under a replication
 * transaction limit: the real 2018-12 and 2021-01 rows, with statements of at most 8 KiB (batches of 20 rows),
 * end exactly as with one statement per file: the first build, the genres, and an incremental run with deletes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets, tableNames } from "../../lib/catalog/datasets";
import { closePools } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { expectedChanges, expectGenresEqualFile, expectTableEqualsFile } from "../helpers/exactness";
import { newer, older, text } from "../helpers/real-samples";
import { countsOf, sync } from "../helpers/sync";

const bounded = { maxTxnBytes: 8192, chunkRows: 20 };

/** The bytes LOAD DATA receives for a file's rows: `<id>\t<16 hex digits>\t<line>\n` per row (RowBatch). */
function loadBytes(tsv: string): number {
  const lines = tsv
    .split("\n")
    .slice(1)
    .filter((line) => line.length > 0);
  return lines.reduce((sum, line) => {
    const id = String(Number(/^(?:tt|nm)(\d+)/.exec(line)?.[1]));
    return sum + id.length + 1 + 16 + 1 + Buffer.byteLength(line) + 1;
  }, 0);
}

describe("loads split into bounded transactions", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("bounded_txn");
  });
  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  it("a first build in many small transactions loads every row exactly and says so", async () => {
    const summary = await sync(db.url, "first-run", older, { settings: bounded });
    expect(summary.status).toBe("succeeded");
    for (const table of tableNames) {
      await expectTableEqualsFile(db.url, table, text(older, datasets[table].file));
      const note = summary.tables.find((t) => t.table === table)?.message ?? "";
      const statements = Number(/Loaded in (\d+) transactions of at most 8192 bytes/.exec(note)?.[1]);
      // Fewer statements than this would mean one went past 8 KiB.
      expect(statements, `${table}: ${note}`).toBeGreaterThanOrEqual(
        Math.ceil(loadBytes(text(older, datasets[table].file)) / 8192),
      );
    }
    await expectGenresEqualFile(db.url, text(older, "title.basics.tsv"));
  });

  it("an incremental run with its staging split the same way ends exact, deletes included", async () => {
    const summary = await sync(db.url, "incremental", newer, { settings: bounded, forceDeletes: true });
    expect(summary.status).toBe("succeeded");
    for (const table of tableNames) {
      const file = datasets[table].file;
      await expectTableEqualsFile(db.url, table, text(newer, file));
      const { read, ...counts } = expectedChanges(datasets[table], text(older, file), text(newer, file));
      const { read: _, ...got } = countsOf(summary, table);
      expect(got, table).toEqual(counts);
    }
    await expectGenresEqualFile(db.url, text(newer, "title.basics.tsv"));
  });
});
