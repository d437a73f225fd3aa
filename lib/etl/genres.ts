/**
 * genres + title_genres, derived from title_basics.genres (split on commas). The engine emits
 * (tid, genre_id) rows while it streams title_basics, for every title in a first build and for the
 * new and changed titles in an incremental run (GenreSink). New genre names get the next free id.
 */
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { LoadStream, RowBatch, streamingConnection } from "./load-stream";
import type { ScannedRow } from "./scan";
import { loadGenreRowsSql } from "./sql";
import { fieldText } from "./tsv";

/** The position of `genres` in a title.basics line. */
const genresField = 8;

export class GenreRegistry {
  private readonly added: [number, string][] = [];

  private constructor(
    private readonly ids: Map<string, number>,
    private nextId: number,
  ) {}

  static async load(connection: PoolConnection): Promise<GenreRegistry> {
    const [rows] = await connection.query<RowDataPacket[]>("SELECT genre_id, genre_name FROM genres");
    const ids = new Map(rows.map((r) => [String(r.genre_name), Number(r.genre_id)]));
    return new GenreRegistry(ids, Math.max(0, ...ids.values()) + 1);
  }

  /** The ids of a title's genres; an empty name (from ",," or a trailing comma) is not a genre. */
  idsFor(genres: string | null): number[] {
    if (!genres) return [];
    const result: number[] = [];
    for (const name of genres.split(",")) {
      if (!name) continue;
      let id = this.ids.get(name);
      if (id === undefined) {
        id = this.nextId++;
        this.ids.set(name, id);
        this.added.push([id, name]);
      }
      if (!result.includes(id)) result.push(id);
    }
    return result;
  }

  /** Adds the title_genres rows (`tid\tgenre_id`) of one title to a batch. */
  addTitleGenres(tid: number, genres: string | null, batch: RowBatch): void {
    for (const id of this.idsFor(genres)) batch.addText(`${tid}\t${id}\n`);
  }

  /** Writes the genre names seen for the first time in this run. */
  async saveNew(connection: PoolConnection): Promise<void> {
    if (this.added.length === 0) return;
    await connection.query("INSERT IGNORE INTO genres (genre_id, genre_name) VALUES ?", [this.added]);
    this.added.length = 0;
  }
}

/**
 * The title_genres rows of the titles a sync writes, streamed beside them into `target` (title_genres__new
 * in a first build, the stage table in an incremental run) on a connection of its own. The first build and
 * the incremental path both use it, so the genre side-load is wired in one place.
 */
export class GenreSink {
  private readonly rows = new RowBatch(1 << 16);
  private load: LoadStream | undefined;

  private constructor(
    readonly connection: PoolConnection,
    readonly registry: GenreRegistry,
    private readonly target: string,
    private readonly maxTxnBytes: number | undefined,
  ) {}

  static async open(pool: Pool, target: string, maxTxnBytes?: number): Promise<GenreSink> {
    const connection = await streamingConnection(pool);
    try {
      return new GenreSink(connection, await GenreRegistry.load(connection), target, maxTxnBytes);
    } catch (error) {
      connection.release();
      throw error;
    }
  }

  /** Starts the LOAD DATA into the target table (which must exist by then). */
  start(): void {
    this.load = new LoadStream(this.connection, loadGenreRowsSql(this.target), this.maxTxnBytes);
  }

  /** The genres of one title.basics line. */
  add(title: ScannedRow): void {
    this.addGenres(title.id, fieldText(title.buf, title.start, title.end, genresField));
  }

  /** The genres of one title, given as the `genres` column's text. */
  addGenres(tid: number, genres: string | null): void {
    this.registry.addTitleGenres(tid, genres, this.rows);
  }

  /** Hands the rows collected so far to the load (waits when the server falls behind). */
  async flush(): Promise<void> {
    await this.load?.write(this.rows.flush());
  }

  async end(): Promise<void> {
    await this.flush();
    await this.load?.end();
  }

  async abort(error: Error): Promise<void> {
    await this.load?.abort(error);
  }

  /** Writes the genre names seen for the first time (on `connection`, inside its transaction if it has one). */
  saveNew(connection: PoolConnection = this.connection): Promise<void> {
    return this.registry.saveNew(connection);
  }

  release(): void {
    this.connection.release();
  }
}

/**
 * Recounts each genre's titles (one pass over the (genre_id, tid) index) and removes genres no title has
 * any more. The count is stored so that the genre list does not count millions of rows on every view.
 */
export async function refreshGenreCounts(connection: PoolConnection): Promise<void> {
  await connection.query(
    "UPDATE genres g SET title_count = (SELECT COUNT(*) FROM title_genres tg WHERE tg.genre_id = g.genre_id)",
  );
  await removeEmptyGenres(connection);
}

/**
 * Adjusts each genre's title count by what an incremental apply is about to change (the old genre rows of
 * the staged and deleted titles go, the staged genre rows come), instead of recounting every title.
 * Runs before title_genres is changed, and after new genre names are saved. The deltas (one row per genre
 * touched) are read first and written by a single-table UPDATE: a Galera node with a writeset limit refuses
 * an UPDATE joining a derived table (design.md §8).
 */
export async function adjustGenreCounts(
  connection: PoolConnection,
  tables: { stagedTitles: string; deletedTitles?: string; stagedGenres: string },
): Promise<void> {
  const removed = [tables.stagedTitles, tables.deletedTitles]
    .filter((t): t is string => t !== undefined)
    .map((t) => `SELECT tg.genre_id, -1 AS delta FROM title_genres tg JOIN \`${t}\` k ON k.tid = tg.tid`);
  const changes = [...removed, `SELECT genre_id, 1 AS delta FROM \`${tables.stagedGenres}\``].join(" UNION ALL ");
  const [rows] = await connection.query<RowDataPacket[]>(
    `SELECT genre_id, CAST(SUM(delta) AS SIGNED) AS delta FROM (${changes}) changes GROUP BY genre_id HAVING SUM(delta) <> 0`,
  );
  const update = genreCountUpdate(rows.map((r) => ({ genreId: Number(r.genre_id), delta: Number(r.delta) })));
  if (update) await connection.query(update.sql, update.params);
}

/** The single-table UPDATE that adds each delta to its genre's title count (undefined when nothing changes). */
export function genreCountUpdate(
  deltas: { genreId: number; delta: number }[],
): { sql: string; params: number[] } | undefined {
  const changed = deltas.filter((d) => d.delta !== 0);
  if (changed.length === 0) return undefined;
  return {
    sql: `UPDATE genres SET title_count = title_count + CASE genre_id ${changed.map(() => "WHEN ? THEN ?").join(" ")} END WHERE genre_id IN (${changed.map(() => "?").join(", ")})`,
    params: [...changed.flatMap((d) => [d.genreId, d.delta]), ...changed.map((d) => d.genreId)],
  };
}

/** Genres no title has any more are removed. */
export async function removeEmptyGenres(connection: PoolConnection): Promise<void> {
  await connection.query("DELETE FROM genres WHERE title_count = 0");
}
