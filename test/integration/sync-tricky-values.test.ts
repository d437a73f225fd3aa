import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etlTableFiles } from "../../db/schema";
import { datasets, expectedHeader } from "../../lib/catalog/datasets";
import { closePools, getDb, getPool } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { expectGenresEqualFile, expectTableEqualsFile } from "../helpers/exactness";
import { countsOf, sync } from "../helpers/sync";

const header = expectedHeader(datasets.title_basics);
const title = (id: string, name: string, genres = "Drama") =>
  `${id}\tmovie\t${name}\t${name}\t0\t2000\t\\N\t90\t${genres}`;

/** Values that break naive loaders: escapes, quotes, 4-byte UTF-8, spaces, empty strings. */
const day1 = [
  header,
  title("tt0000001", "AC\\DC"),
  title("tt0000002", "Trailing backslash\\"),
  title("tt0000003", "The \\N Show"),
  title("tt0000004", '"Quoted" at the start'),
  title("tt0000005", "Emoji 😀 and 𝄞"),
  title("tt0000006", "Trailing spaces   "),
  title("tt0000007", "", "Comedy,Drama"),
  title("tt0000008", "Case Only"),
  title("tt0000009", "\\n is not null"),
  title("tt9999998", "Seven digits", "Sci-Fi"),
  title("tt9999999", "Last seven-digit id"),
  title("tt10000000", "First eight-digit id", "Horror,Sci-Fi"),
  title("tt10000001", "Eight digits"),
  "",
].join("\n");

/** The next day: a change of case only, deletes on both sides of the 7→8 digit boundary, inserts in numeric order. */
const day2 = [
  header,
  title("tt0000001", "AC\\DC"),
  title("tt0000002", "Trailing backslash\\"),
  title("tt0000003", "The \\N Show"),
  title("tt0000004", '"Quoted" at the start'),
  title("tt0000005", "Emoji 😀 and 𝄞"),
  title("tt0000006", "Trailing spaces   "),
  title("tt0000007", "", "Comedy,Drama"),
  title("tt0000008", "case only"),
  title("tt0000009", "\\n is not null"),
  title("tt9999997", "Inserted before the boundary", "Western"),
  title("tt9999998", "Seven digits", "Sci-Fi"),
  title("tt10000001", "Eight digits, renamed", "Comedy"),
  title("tt10000002", "Inserted after the boundary"),
  "",
].join("\n");

function folderWith(root: string, name: string, content: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, "title.basics.tsv"), content);
  return dir;
}

describe("values that break naive loaders, and keys across the 7→8 digit boundary", () => {
  let db: TestDatabase;
  let first: string;
  let second: string;
  beforeAll(async () => {
    db = await createTestDatabase("tricky");
    const root = mkdtempSync(path.join(tmpdir(), "imdb-tricky-"));
    first = folderWith(root, "day1", day1);
    second = folderWith(root, "day2", day2);
  });
  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  it("a first build stores every value byte for byte, with NULL only for \\N", async () => {
    const summary = await sync(db.url, "first-run", first, { tables: ["title_basics"] });
    expect(summary.status).toBe("succeeded");
    expect(countsOf(summary, "title_basics")).toMatchObject({ read: 13, inserted: 13 });
    await expectTableEqualsFile(db.url, "title_basics", day1);
    await expectGenresEqualFile(db.url, day1);
  });

  it("an incremental run counts a change of case as an update and deletes across the boundary", async () => {
    const summary = await sync(db.url, "incremental", second, { tables: ["title_basics"] });
    expect(summary.status).toBe("succeeded");
    expect(countsOf(summary, "title_basics")).toEqual({ read: 13, inserted: 2, updated: 2, unchanged: 9, deleted: 2 });
    await expectTableEqualsFile(db.url, "title_basics", day2);
    await expectGenresEqualFile(db.url, day2);
  });

  it("the same file again changes nothing: skipped by its fingerprint, or diffed row by row", async () => {
    const skipped = await sync(db.url, "incremental", second, { tables: ["title_basics"] });
    expect(skipped.tables.find((t) => t.table === "title_basics")?.status).toBe("skipped");
    await getDb(db.url).delete(etlTableFiles);
    const summary = await sync(db.url, "incremental", second, { tables: ["title_basics"] });
    expect(countsOf(summary, "title_basics")).toEqual({ read: 13, inserted: 0, updated: 0, unchanged: 13, deleted: 0 });
  });

  it("a verify reads every value back as the file's line: no drift, until a case or a trailing space changes", async () => {
    const verify = async () => {
      const summary = await sync(db.url, "verify", second, { tables: ["title_basics"] });
      return summary.tables.find((t) => t.table === "title_basics");
    };
    expect(await verify()).toMatchObject({ unchanged: 13, drift: { missing: 0, differing: 0, extra: 0 } });
    await getPool(db.url).query("UPDATE title_basics SET primaryTitle = 'Case only' WHERE tid = 8");
    await getPool(db.url).query("UPDATE title_basics SET primaryTitle = TRIM(primaryTitle) WHERE tid = 6");
    const drifted = await verify();
    expect(drifted?.drift).toMatchObject({ missing: 0, differing: 2, extra: 0 });
    expect(drifted?.drift?.examples.map((e) => e.key)).toEqual(["tt0000006", "tt0000008"]);
  });
});
