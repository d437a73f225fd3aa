import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etlTableFiles } from "../../db/schema";
import { datasets, tableNames } from "../../lib/catalog/datasets";
import { closePools, getDb } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { expectedChanges, expectGenresEqualFile, expectTableEqualsFile } from "../helpers/exactness";
import { newer, older, text } from "../helpers/real-samples";
import { countsOf, sync } from "../helpers/sync";

describe("syncing real IMDb rows from 2018-12, then 2021-01", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("real_samples");
  });
  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  it("a first build loads every 2018 row exactly", async () => {
    const summary = await sync(db.url, "first-run", older);
    expect(summary.status).toBe("succeeded");
    for (const table of tableNames) {
      await expectTableEqualsFile(db.url, table, text(older, datasets[table].file));
      expect(countsOf(summary, table).inserted).toBe(999);
    }
    await expectGenresEqualFile(db.url, text(older, "title.basics.tsv"));
  });

  it("the deletion guard withholds deletes when the files shrink by 90 %", async () => {
    const summary = await sync(db.url, "incremental", newer, { tables: ["title_ratings"] });
    expect(summary.status).toBe("succeeded");
    const ratings = summary.tables[0];
    const truth = expectedChanges(
      datasets.title_ratings,
      text(older, "title.ratings.tsv"),
      text(newer, "title.ratings.tsv"),
    );
    expect(ratings?.deleted).toBe(0);
    expect(ratings?.deletesWithheld).toBe(truth.deleted);
    expect(ratings?.message).toMatch(/withheld/i);
  });

  it("with deletes forced, the tables equal the 2021 files and the counters equal the true changes", async () => {
    const summary = await sync(db.url, "incremental", newer, { forceDeletes: true });
    expect(summary.status).toBe("succeeded");
    for (const table of tableNames) {
      const file = datasets[table].file;
      await expectTableEqualsFile(db.url, table, text(newer, file));
      if (table === "title_ratings") continue; // its inserts and updates were applied by the guarded run
      expect(countsOf(summary, table), table).toEqual(
        expectedChanges(datasets[table], text(older, file), text(newer, file)),
      );
    }
    const basics = expectedChanges(
      datasets.title_basics,
      text(older, "title.basics.tsv"),
      text(newer, "title.basics.tsv"),
    );
    expect(basics.updated).toBeGreaterThan(0);
    expect(basics.deleted).toBeGreaterThan(800);
    await expectGenresEqualFile(db.url, text(newer, "title.basics.tsv"));
  });

  it("a second incremental run of the same files skips every table: the same bytes as their last exact sync", async () => {
    const summary = await sync(db.url, "incremental", newer, { forceDeletes: true });
    expect(summary.status).toBe("succeeded");
    for (const t of summary.tables) {
      expect({ table: t.table, status: t.status, read: t.read, written: t.inserted + t.updated + t.deleted }).toEqual({
        table: t.table,
        status: "skipped",
        read: 0,
        written: 0,
      });
      expect(t.message).toContain("same bytes");
    }
  });

  it("a second incremental run of the same files writes nothing when diffed row by row", async () => {
    await getDb(db.url).delete(etlTableFiles);
    const summary = await sync(db.url, "incremental", newer, { forceDeletes: true });
    expect(summary.status).toBe("succeeded");
    for (const t of summary.tables) {
      expect({ table: t.table, inserted: t.inserted, updated: t.updated, deleted: t.deleted }).toEqual({
        table: t.table,
        inserted: 0,
        updated: 0,
        deleted: 0,
      });
      expect(t.unchanged).toBe(99);
    }
  });
});
