import { describe, expect, it } from "vitest";
import { datasets } from "../../lib/catalog/datasets";
import { keptFolder } from "../../lib/etl/kept-file";
import { lineKeyReader } from "../../lib/etl/tsv";

describe("keptFolder", () => {
  it("is one folder per server and database, with a safe name", () => {
    expect(keptFolder("/k", "mysql://u:p@127.0.0.1:33306/imdb")).toBe("/k/127.0.0.1-33306-imdb");
    expect(keptFolder("/k", "mysql://u:p@db.example/mirror")).toBe("/k/db.example-3306-mirror");
    expect(keptFolder("/k", "mysql://u:p@h:1/a%2F..%2Fb")).toBe("/k/h-1-a_2F.._2Fb");
  });
});

describe("lineKeyReader", () => {
  const read = (table: keyof typeof datasets, line: string) => {
    const buf = Buffer.from(line);
    const key = { id: -1, ordering: -1, mergeKey: -1 };
    return lineKeyReader(datasets[table])(buf, 0, buf.length, key) ? { id: key.id, ordering: key.ordering } : undefined;
  };
  it("reads the key, and the ordering where the table has one", () => {
    expect(read("title_ratings", "tt0000001\t5.7\t2100")).toEqual({ id: 1, ordering: 0 });
    expect(read("name_basics", "nm10000000\tA\t\\N\t\\N\t\\N\t\\N")).toEqual({ id: 10_000_000, ordering: 0 });
    expect(read("title_akas", "tt0000002\t14\tTitle\tUS\t\\N\t\\N\t\\N\t0")).toEqual({ id: 2, ordering: 14 });
  });
  it("has no key for a line without one", () => {
    expect(read("title_ratings", "xx0000001\t5.7\t2100")).toBeUndefined();
    expect(read("title_akas", "tt0000002\tx\tTitle")).toBeUndefined();
    expect(read("title_akas", "tt0000002")).toBeUndefined();
  });
});
