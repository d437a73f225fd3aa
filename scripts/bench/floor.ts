/**
 * The floors of the benchmark, both on the same server in the same run as the engine:
 * - floor: the server's own `LOAD DATA LOCAL INFILE` of the same rows, uncompressed, into the freshly
 *   migrated tables with their secondary indexes dropped (the project's column types and primary keys,
 *   nothing else): the least any load of these rows can cost here;
 * - floor + indexes: the floor followed by adding the project's secondary indexes, one ALTER TABLE per table.
 * The column mapping is the engine's: the key's number computed from the text key, `\N` compared as bytes and
 * turned into NULL, `ordering` as is. row_hash is a constant (8 zero bytes): hashing is the engine's work,
 * not the server's. Gunzipping to a plain file happens before the clock starts and the file is removed right
 * after its load. A floor that kept the indexes during the load would be ~3× slower and flatter the engine.
 */
import { createReadStream, createWriteStream, rmSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import mysql from "mysql2/promise";
import { type DatasetSpec, datasets, type TableName, tableNames } from "../../lib/catalog/datasets";
import { addIndexesSql, dropIndexesSql, secondaryIndexes } from "../../lib/etl/indexes";

const quote = (name: string) => `\`${name}\``;

/** The floor's LOAD DATA for one file: the engine's column mapping over the raw IMDb lines. */
export function floorLoadSql(spec: DatasetSpec): string {
  const key = spec.fields[0]?.kind;
  if (key?.type !== "key") throw new Error(`${spec.table}: the first field must be the key`);
  const variables = spec.fields.map((_, i) => `@f${i}`);
  const assignments = [
    `${quote(key.column)} = CAST(SUBSTRING(@f0, 3) AS UNSIGNED)`,
    ...spec.fields.slice(1).map((field, index) => {
      const variable = `@f${index + 1}`;
      return field.name === "ordering"
        ? `${quote(field.name)} = ${variable}`
        : `${quote(field.name)} = IF(CAST(${variable} AS BINARY) = '\\\\N', NULL, ${variable})`;
    }),
    "`row_hash` = X'0000000000000000'",
  ];
  return [
    `LOAD DATA LOCAL INFILE '${spec.file.replace(/\.gz$/, "")}' INTO TABLE ${quote(spec.table)} CHARACTER SET utf8mb4`,
    "FIELDS TERMINATED BY '\\t' ESCAPED BY '' LINES TERMINATED BY '\\n' IGNORE 1 LINES",
    `(${variables.join(", ")})`,
    `SET ${assignments.join(", ")}`,
  ].join("\n");
}

export interface FloorResult {
  /** The plain loads, primary keys only. */
  seconds: number;
  /** The loads and then the secondary indexes: what a first build is compared with. */
  secondsWithIndexes: number;
  rows: number;
  tables: Record<TableName, { rows: number; seconds: number; indexSeconds: number }>;
  /** Every run's seconds when the floors were measured more than once (each floor is then their median). */
  samples?: { seconds: number[]; withIndexes: number[] };
}

async function gunzipTo(source: string, target: string): Promise<void> {
  await pipeline(createReadStream(source), createGunzip(), createWriteStream(target));
}

/**
 * Loads every file of `sourceDir` into the (already freshly migrated) database at `url`, one LOAD DATA
 * per file; `workDir` holds each uncompressed file only while it is loaded.
 */
export async function measureFloor(url: string, sourceDir: string, workDir: string): Promise<FloorResult> {
  const pool = mysql.createPool({ uri: url, connectionLimit: 1 });
  const connection = await pool.getConnection();
  const tables = {} as FloorResult["tables"];
  let seconds = 0;
  let indexSeconds = 0;
  let rows = 0;
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const result = await work();
    return [result, (performance.now() - started) / 1000];
  };
  try {
    for (const table of tableNames) {
      const spec = datasets[table];
      const indexes = await secondaryIndexes(connection, table);
      const drop = dropIndexesSql(table, indexes);
      if (drop) await connection.query(drop);
      const plain = path.join(workDir, spec.file.replace(/\.gz$/, ""));
      await gunzipTo(path.join(sourceDir, spec.file), plain);
      try {
        const [result, took] = await timed(() =>
          connection.query({
            sql: floorLoadSql(spec),
            infileStreamFactory: () => createReadStream(plain, { highWaterMark: 1 << 20 }),
          }),
        );
        const add = addIndexesSql(table, indexes);
        const [, indexing] = await timed(async () => (add ? connection.query(add) : undefined));
        const loaded = (result[0] as { affectedRows: number }).affectedRows;
        tables[table] = { rows: loaded, seconds: took, indexSeconds: indexing };
        seconds += took;
        indexSeconds += indexing;
        rows += loaded;
      } finally {
        rmSync(plain, { force: true });
      }
    }
  } finally {
    connection.release();
    await pool.end();
  }
  return { seconds, secondsWithIndexes: seconds + indexSeconds, rows, tables };
}
