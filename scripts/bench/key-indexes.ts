/**
 * The cost of the indexes on the IMDb text keys (`tconst`, `nconst`, `titleId`: stored generated columns computed
 * from the numeric primary key): their size on disk, and a way to build the mirror without them so the
 * bench can time the engine both ways in one run.
 */
import mysql from "mysql2/promise";
import { tableNames } from "../../lib/catalog/datasets";

/** Secondary indexes whose column is a generated one: the text-key indexes. */
const keyIndexesSql = `SELECT DISTINCT s.table_name AS t, s.index_name AS i
  FROM information_schema.statistics s
  JOIN information_schema.columns c
    ON c.table_schema = s.table_schema AND c.table_name = s.table_name AND c.column_name = s.column_name
 WHERE s.table_schema = DATABASE() AND c.extra LIKE '%GENERATED%'
 ORDER BY t, i`;

async function withConnection<T>(url: string, work: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

async function keyIndexes(connection: mysql.Connection): Promise<{ table: string; index: string }[]> {
  const [rows] = await connection.query(keyIndexesSql);
  return (rows as { t: string; i: string }[]).map((r) => ({ table: r.t, index: r.i }));
}

/** Drops the text-key indexes (from a freshly migrated, empty database); returns their names. */
export function dropKeyIndexes(url: string): Promise<string[]> {
  return withConnection(url, async (connection) => {
    const found = await keyIndexes(connection);
    for (const { table, index } of found) await connection.query(`ALTER TABLE \`${table}\` DROP INDEX \`${index}\``);
    return found.map((k) => `${k.table}.${k.index}`);
  });
}

export interface KeyIndexSizes {
  /**
   * Bytes of the text-key indexes; null when the database user may not read mysql.innodb_index_stats (the private
   * server's user holds privileges on its own databases only, docs/security.md).
   */
  keyIndexBytes: number | null;
  /** Bytes of the IMDb tables and title_genres: data, primary keys and every secondary index. */
  tablesBytes: number;
  perIndex: Record<string, number>;
}

const mirrorTables = [...tableNames, "title_genres"];

/** The tables' data and indexes from information_schema, which any user reads for its own tables. */
async function tableSizes(connection: mysql.Connection): Promise<KeyIndexSizes> {
  const [rows] = await connection.query(
    `SELECT COALESCE(SUM(data_length + index_length), 0) AS bytes FROM information_schema.tables
      WHERE table_schema = DATABASE() AND table_name IN (?)`,
    [mirrorTables],
  );
  return { keyIndexBytes: null, tablesBytes: Number((rows as { bytes: number }[])[0]?.bytes ?? 0), perIndex: {} };
}

/**
 * Sizes from InnoDB's persistent index statistics (pages × page size), fresh after ANALYZE TABLE; without the right
 * to read them, the tables' total only.
 */
export function keyIndexSizes(url: string): Promise<KeyIndexSizes> {
  return withConnection(url, async (connection) => {
    await connection.query(`ANALYZE TABLE ${mirrorTables.map((t) => `\`${t}\``).join(", ")}`);
    let rows: unknown;
    try {
      [rows] = await connection.query(
        `SELECT table_name AS t, index_name AS i, stat_value * @@innodb_page_size AS bytes FROM mysql.innodb_index_stats
          WHERE database_name = DATABASE() AND stat_name = 'size' AND table_name IN (?)`,
        [mirrorTables],
      );
    } catch (error) {
      if ((error as { code?: string }).code !== "ER_TABLEACCESS_DENIED_ERROR") throw error;
      return tableSizes(connection);
    }
    const keys = new Set((await keyIndexes(connection)).map((k) => `${k.table}.${k.index}`));
    const sizes = { keyIndexBytes: 0, tablesBytes: 0, perIndex: {} as Record<string, number> };
    for (const row of rows as { t: string; i: string; bytes: number }[]) {
      const bytes = Number(row.bytes);
      sizes.tablesBytes += bytes;
      if (keys.has(`${row.t}.${row.i}`)) {
        sizes.keyIndexBytes += bytes;
        sizes.perIndex[`${row.t}.${row.i}`] = bytes;
      }
    }
    return sizes;
  });
}
