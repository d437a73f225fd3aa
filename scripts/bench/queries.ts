/**
 * The SQL people write against an IMDb mirror, timed on the bench data against the same SQL on a
 * text-keyed reference schema (`bench_ref`: the IMDb keys as primary keys, what a plain IMDb import builds),
 * with each plan read from EXPLAIN on the mirror: a key lookup or a key join that scans a table fails.
 * The queries use IMDb's own column names only, so the very same text runs on both schemas.
 */
import mysql from "mysql2/promise";
import { datasets, type TableName } from "../../lib/catalog/datasets";
import { textTable } from "./text-table";

/** Keys picked from the loaded data (untimed) so that each query has rows to find. */
export interface Picks {
  title: string;
  /** The console's title page: of the 20 most voted titles, the one with the most credits (cast, crew, episodes). */
  popularTitle: string;
  /** The person with the most principal credits (also the console's person page). */
  person: string;
  series: string;
  episode: string;
  genre: string;
}

export interface BenchQuery {
  name: string;
  sql: string;
  params: (picks: Picks) => unknown[];
  /** Aliases the plan may read whole: the driving table of a top-N over all rows, a tiny lookup table. */
  scans?: string[];
}

export const benchQueries: BenchQuery[] = [
  {
    name: "top 10 by rating (basics ⋈ ratings on tconst)",
    sql: `SELECT tb.tconst, tb.primaryTitle, tr.averageRating, tr.numVotes
            FROM title_basics tb JOIN title_ratings tr ON tb.tconst = tr.tconst
           ORDER BY tr.averageRating DESC, tr.numVotes DESC LIMIT 10`,
    params: () => [],
    scans: ["tr"],
  },
  {
    name: "top rated movies with ≥ 1,000 votes",
    sql: `SELECT tb.tconst, tb.primaryTitle, tb.startYear, tr.averageRating, tr.numVotes
            FROM title_basics tb JOIN title_ratings tr ON tb.tconst = tr.tconst
           WHERE tb.titleType = 'movie' AND tr.numVotes >= 1000
           ORDER BY tr.averageRating DESC, tr.numVotes DESC LIMIT 10`,
    params: () => [],
    scans: ["tr"],
  },
  {
    name: "a title by tconst",
    sql: "SELECT tconst, titleType, primaryTitle, startYear, genres FROM title_basics WHERE tconst = ?",
    params: (p) => [p.title],
  },
  {
    name: "a person by nconst",
    sql: "SELECT nconst, primaryName, birthYear, primaryProfession FROM name_basics WHERE nconst = ?",
    params: (p) => [p.person],
  },
  {
    name: "a title with rating, crew and series (left joins on tconst)",
    sql: `SELECT tb.primaryTitle, tr.averageRating, tc.directors, tc.writers, te.parentTconst
            FROM title_basics tb
            LEFT JOIN title_ratings tr ON tr.tconst = tb.tconst
            LEFT JOIN title_crew tc ON tc.tconst = tb.tconst
            LEFT JOIN title_episode te ON te.tconst = tb.tconst
           WHERE tb.tconst = ?`,
    params: (p) => [p.title],
  },
  {
    name: "a title's akas by titleId",
    sql: "SELECT ordering, title, region, language, types FROM title_akas WHERE titleId = ? ORDER BY ordering",
    params: (p) => [p.title],
  },
  {
    name: "a title's cast (principals ⋈ names on nconst)",
    sql: `SELECT tp.ordering, tp.category, nb.nconst, nb.primaryName, tp.characters
            FROM title_principals tp JOIN name_basics nb ON nb.nconst = tp.nconst
           WHERE tp.tconst = ? ORDER BY tp.ordering`,
    params: (p) => [p.title],
  },
  {
    name: "a person's filmography (names ⋈ principals ⋈ basics)",
    sql: `SELECT tb.tconst, tb.primaryTitle, tb.startYear, tp.category
            FROM name_basics nb
            JOIN title_principals tp ON tp.nconst = nb.nconst
            JOIN title_basics tb ON tb.tconst = tp.tconst
           WHERE nb.nconst = ? ORDER BY tb.startYear DESC`,
    params: (p) => [p.person],
  },
  {
    name: "a series' episodes (episode ⋈ basics)",
    sql: `SELECT te.tconst, te.seasonNumber, te.episodeNumber, tb.primaryTitle
            FROM title_episode te JOIN title_basics tb ON tb.tconst = te.tconst
           WHERE te.parentTconst = ? ORDER BY te.seasonNumber, te.episodeNumber`,
    params: (p) => [p.series],
  },
  {
    name: "an episode's series (parentTconst → basics)",
    sql: `SELECT s.tconst, s.primaryTitle, te.seasonNumber, te.episodeNumber
            FROM title_episode te JOIN title_basics s ON s.tconst = te.parentTconst
           WHERE te.tconst = ?`,
    params: (p) => [p.episode],
  },
  {
    name: "most voted titles of a genre (genres ⋈ title_genres ⋈ ratings ⋈ basics)",
    sql: `SELECT tb.tconst, tb.primaryTitle, tr.averageRating, tr.numVotes
            FROM genres g
            JOIN title_genres tg ON tg.genre_id = g.genre_id
            JOIN title_ratings tr ON tr.tconst = tg.tconst
            JOIN title_basics tb ON tb.tconst = tg.tconst
           WHERE g.genre_name = ? ORDER BY tr.numVotes DESC LIMIT 20`,
    params: (p) => [p.genre],
    scans: ["g", "tr"],
  },
];

/** One row of MySQL/MariaDB's tabular EXPLAIN (the columns the check reads). */
export interface PlanRow {
  table: string | null;
  type: string | null;
  key: string | null;
}

/** Tables the plan reads whole (ALL) or through a whole index (index), other than the allowed ones. */
export function planProblems(plan: PlanRow[], allowedScans: string[] = []): string[] {
  return plan
    .filter((r) => r.table && !r.table.startsWith("<") && !allowedScans.includes(r.table))
    .filter((r) => r.type === "ALL" || r.type === "index")
    .map((r) => `${r.table}: ${r.type === "ALL" ? "full table scan" : "full index scan"}`);
}

/** The plan in one line: `alias:type(index)` per table. */
export function formatPlan(plan: PlanRow[]): string {
  return plan
    .filter((r) => r.table)
    .map((r) => `${r.table}:${r.type}${r.key ? `(${r.key})` : ""}`)
    .join(" ");
}

/** The reference schema: IMDb's text keys as primary keys, the mirror's other indexes. */
const referenceTables: Record<TableName | "title_genres", { key: string[]; indexes: string[][] }> = {
  name_basics: { key: ["nconst"], indexes: [["primaryName"]] },
  title_basics: { key: ["tconst"], indexes: [["startYear"], ["genres"], ["primaryTitle"], ["titleType", "startYear"]] },
  title_akas: { key: ["titleId", "ordering"], indexes: [["title"]] },
  title_crew: { key: ["tconst"], indexes: [] },
  title_episode: { key: ["tconst"], indexes: [["parentTconst"]] },
  title_principals: { key: ["tconst", "ordering"], indexes: [["nconst"]] },
  title_ratings: { key: ["tconst"], indexes: [["numVotes"], ["averageRating"]] },
  title_genres: { key: ["tconst", "genre_id"], indexes: [["genre_id"]] },
};

const quote = (name: string) => `\`${name}\``;
const list = (names: string[]) => names.map(quote).join(", ");

/** SQL that builds the reference copy of one table from the mirror in `from` (into the current database). */
export function referenceTableSql(table: TableName | "title_genres", from: string): string[] {
  const { key, indexes } = referenceTables[table];
  const columns = table === "title_genres" ? ["tconst", "genre_id"] : datasets[table].fields.map((f) => f.name);
  const create = `CREATE TABLE ${quote(table)} (PRIMARY KEY (${list(key)})) ENGINE=InnoDB SELECT ${list(columns)} FROM ${quote(from)}.${quote(table)}`;
  if (indexes.length === 0) return [create];
  return [create, `ALTER TABLE ${quote(table)} ${indexes.map((cols) => `ADD INDEX (${list(cols)})`).join(", ")}`];
}

/** Rebuilds database `reference` from the mirror `from` on the same server; returns the seconds it took. */
export async function loadReference(serverUrl: string, from: string, reference: string): Promise<number> {
  const url = new URL(serverUrl);
  url.pathname = "/";
  const connection = await mysql.createConnection({ uri: url.toString() });
  const started = performance.now();
  try {
    await connection.query(`DROP DATABASE IF EXISTS ${quote(reference)}`);
    await connection.query(`CREATE DATABASE ${quote(reference)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await connection.query(`USE ${quote(reference)}`);
    for (const table of Object.keys(referenceTables) as (keyof typeof referenceTables)[]) {
      for (const sql of referenceTableSql(table, from)) await connection.query(sql);
    }
    await connection.query(`CREATE TABLE genres LIKE ${quote(from)}.genres`);
    await connection.query(`INSERT INTO genres SELECT * FROM ${quote(from)}.genres`);
    await connection.query(`ANALYZE TABLE ${list([...Object.keys(referenceTables), "genres"])}`);
  } finally {
    await connection.end();
  }
  return (performance.now() - started) / 1000;
}

type Connection = mysql.Connection;

async function first(connection: Connection, sql: string, params: unknown[] = []): Promise<string> {
  const [rows] = await connection.query(sql, params);
  const value = Object.values((rows as Record<string, unknown>[])[0] ?? {})[0];
  if (value === undefined || value === null) throw new Error(`no row for the bench query picks: ${sql}`);
  return String(value);
}

/** Names in a comma list of keys (title_crew's directors, writers): commas + 1, 0 for NULL. */
const listLength = (column: string) => `COALESCE(LENGTH(${column}) - LENGTH(REPLACE(${column}, ',', '')) + 1, 0)`;

/**
 * Of the 20 most voted titles (the numVotes index), the one with the most credits: principals (primary key range),
 * episodes (the parentTconst index) and crew names (one row): 60 index lookups, whatever the scale.
 */
const popularTitleSql = `
  SELECT r.tconst,
         (SELECT COUNT(*) FROM title_principals p WHERE p.tid = r.tid)
       + (SELECT COUNT(*) FROM title_episode e WHERE e.parentTconst = r.tconst)
       + COALESCE((SELECT ${listLength("c.directors")} + ${listLength("c.writers")} FROM title_crew c WHERE c.tid = r.tid), 0)
         AS credits
    FROM (SELECT tid, tconst, numVotes FROM title_ratings ORDER BY numVotes DESC LIMIT 20) r
   ORDER BY credits DESC, r.numVotes DESC LIMIT 1`;

/** A well-connected title, a popular one with the most credits, the busiest person and series, and the biggest genre. */
export async function pickKeys(connection: Connection): Promise<Picks> {
  const title = await first(
    connection,
    `SELECT tr.tconst FROM title_ratings tr
      WHERE EXISTS (SELECT 1 FROM title_principals tp WHERE tp.tconst = tr.tconst)
        AND EXISTS (SELECT 1 FROM title_akas ta WHERE ta.titleId = tr.tconst)
      ORDER BY tr.numVotes DESC LIMIT 1`,
  );
  const popularTitle = await first(connection, popularTitleSql);
  const person = await first(
    connection,
    "SELECT nconst FROM title_principals WHERE nconst IS NOT NULL GROUP BY nconst ORDER BY COUNT(*) DESC LIMIT 1",
  );
  const series = await first(
    connection,
    "SELECT parentTconst FROM title_episode WHERE parentTconst IS NOT NULL GROUP BY parentTconst ORDER BY COUNT(*) DESC LIMIT 1",
  );
  const episode = await first(connection, "SELECT tconst FROM title_episode WHERE parentTconst = ? LIMIT 1", [series]);
  const genre = await first(connection, "SELECT genre_name FROM genres ORDER BY title_count DESC LIMIT 1");
  return { title, popularTitle, person, series, episode, genre };
}

async function medianMs(connection: Connection, sql: string, params: unknown[], repeats: number): Promise<number> {
  await connection.query(sql, params);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await connection.query(sql, params);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export interface QueryResult {
  name: string;
  sql: string;
  params: unknown[];
  mirrorMs: number;
  referenceMs: number;
  plan: string;
  referencePlan: string;
  problems: string[];
}

/** Runs every query on the mirror and on the reference (a warm-up, then the median of `repeats`). */
export async function runQueries(
  mirrorUrl: string,
  referenceUrl: string,
  repeats = 5,
): Promise<{ picks: Picks; results: QueryResult[] }> {
  const mirror = await mysql.createConnection({ uri: mirrorUrl });
  const reference = await mysql.createConnection({ uri: referenceUrl });
  try {
    const picks = await pickKeys(mirror);
    const results: QueryResult[] = [];
    for (const query of benchQueries) {
      const params = query.params(picks);
      const [plan] = await mirror.query(`EXPLAIN ${query.sql}`, params);
      const [referencePlan] = await reference.query(`EXPLAIN ${query.sql}`, params);
      results.push({
        name: query.name,
        sql: query.sql.replace(/\s+/g, " "),
        params,
        referenceMs: await medianMs(reference, query.sql, params, repeats),
        mirrorMs: await medianMs(mirror, query.sql, params, repeats),
        plan: formatPlan(plan as PlanRow[]),
        referencePlan: formatPlan(referencePlan as PlanRow[]),
        problems: planProblems(plan as PlanRow[], query.scans),
      });
    }
    return { picks, results };
  } finally {
    await Promise.all([mirror.end(), reference.end()]);
  }
}

/** The terminal table of the query step. */
export function formatQueries(results: QueryResult[]): string {
  const header = ["query", "mirror ms", "reference ms", "× ref", "plan on the mirror", "ok"];
  const rows = results.map((r) => [
    r.name,
    r.mirrorMs.toFixed(2),
    r.referenceMs.toFixed(2),
    (r.mirrorMs / r.referenceMs).toFixed(2),
    r.plan,
    r.problems.length > 0 ? "FAIL" : "yes",
  ]);
  const out = [textTable(header, rows, [0, 4])];
  for (const r of results) for (const p of r.problems) out.push(`  ${r.name}: ${p}`);
  return out.join("\n");
}
