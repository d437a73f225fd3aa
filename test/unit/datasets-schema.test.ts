import { getTableConfig, type MySqlTable } from "drizzle-orm/mysql-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { datasets, type TableName, tableNames } from "../../lib/catalog/datasets";

const tables: Record<TableName, MySqlTable> = {
  name_basics: schema.nameBasics,
  title_basics: schema.titleBasics,
  title_akas: schema.titleAkas,
  title_crew: schema.titleCrew,
  title_episode: schema.titleEpisode,
  title_principals: schema.titlePrincipals,
  title_ratings: schema.titleRatings,
};

describe("dataset specs agree with the schema", () => {
  it.each(tableNames)("%s: a column per field with the limits the checks enforce", (table) => {
    const config = getTableConfig(tables[table]);
    expect(config.name).toBe(table);
    const columns = new Map(config.columns.map((c) => [c.name, c]));
    for (const field of datasets[table].fields) {
      const column = columns.get(field.name);
      expect(column, `${table}.${field.name}`).toBeDefined();
      const type = column?.getSQLType() ?? "";
      if (field.kind.type === "text") expect(type, `${table}.${field.name}`).toBe(`varchar(${field.kind.maxChars})`);
      if (field.kind.type === "uint") {
        const max = { "tinyint unsigned": 255, "smallint unsigned": 65535, "int unsigned": 4294967295 }[type];
        expect(max, `${table}.${field.name} ${type}`).toBe(field.kind.max);
      }
      if (field.kind.type === "rating") expect(type).toBe("decimal(3,1)");
      if (field.kind.type === "key")
        expect(column?.generated, `${table}.${field.name} is computed from the number`).toBeDefined();
    }
    expect(columns.get("row_hash")?.getSQLType()).toBe("binary(8)");
  });
});
