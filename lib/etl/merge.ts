/**
 * The incremental merge: the file's rows against the table's (key, row_hash) rows, both in key order.
 *
 * Rows are merged one id (title or person) at a time. Within an id, akas and principals are not sorted by
 * `ordering` in the IMDb files, so the file's rows of the id are gathered and matched by ordering. A key only
 * in the file is an insert, a key in both with another hash an update, a key only in the table a delete;
 * an equal hash is left alone. A rejected line that could be keyed keeps its table row as it is.
 */
import { laterRowWins, type ScannedRow } from "./scan";

/** The table side: rows in primary-key order, read in batches (fill() waits for the next batch). */
export interface KeyCursor {
  readonly ready: boolean;
  fill(): Promise<boolean>;
  readonly id: number;
  readonly ordering: number;
  readonly hash: bigint;
  next(): void;
}

export interface MergeOutput {
  insert(row: ScannedRow): void;
  update(row: ScannedRow): void;
  /** `rows` unchanged rows (one, unless a whole id's rows were found unchanged at once). */
  unchanged(rows?: number): void;
  delete(id: number, ordering: number): void;
  /** Called between ids; a returned promise (a batch to hand over) is awaited. */
  between(): Promise<void> | undefined;
}

/**
 * Runs once per id, so the merge avoids allocating per row: the group array is reused, and the per-id steps
 * are synchronous (an `await` per id costs a promise and a suspended frame per row); a promise is made only
 * when the table's batch runs out or a batch is handed over.
 */
export class KeyMerge {
  /** The file's rows of the current id; a row matched with the table is set to null. */
  private readonly group: (ScannedRow | null)[] = [];
  private groupId = -1;
  private tableDone = false;

  constructor(
    private readonly table: KeyCursor,
    private readonly out: MergeOutput,
    private readonly counters: { duplicates: number },
    private readonly unsorted: (row: ScannedRow) => Error,
  ) {}

  async start(): Promise<void> {
    this.tableDone = !(await this.table.fill());
  }

  /** Feeds the file's next rows, in file order. */
  async add(rows: ScannedRow[]): Promise<void> {
    for (const row of rows) {
      if (row.id < this.groupId) throw this.unsorted(row);
      if (row.id > this.groupId && this.group.length > 0) {
        const filling = this.mergeGroup();
        if (filling) await filling;
        const handover = this.out.between();
        if (handover) await handover;
      }
      this.addToGroup(row);
    }
  }

  /** After the file's last row: merges the last id and deletes the table rows past it. */
  async finish(): Promise<void> {
    if (this.group.length > 0) await this.mergeGroup();
    while (!this.tableDone) {
      while (this.table.ready) this.deleteCurrent();
      const handover = this.out.between();
      if (handover) await handover;
      this.tableDone = !(await this.table.fill());
    }
  }

  /** A second row with the same key in one id (not adjacent in the file): the duplicate-key rule decides. */
  private addToGroup(row: ScannedRow): void {
    if (this.group.length === 0) this.groupId = row.id;
    const twin = this.indexInGroup(row.ordering);
    const earlier = this.group[twin];
    if (!earlier) {
      this.group.push(row);
      return;
    }
    const { wins, duplicate } = laterRowWins(earlier, row);
    if (duplicate) this.counters.duplicates++;
    if (wins) this.group[twin] = row;
  }

  /** Where the group holds the file's row with this ordering, or -1. */
  private indexInGroup(ordering: number): number {
    const group = this.group;
    for (let i = 0; i < group.length; i++) if (group[i]?.ordering === ordering) return i;
    return -1;
  }

  private deleteCurrent(): void {
    this.out.delete(this.table.id, this.table.ordering);
    this.table.next();
  }

  /**
   * Merges the group with the table's rows up to its id. Returns undefined when done, or a promise when the
   * table's batch ran out: it waits for the next batch and goes on.
   */
  private mergeGroup(): Promise<void> | undefined {
    const group = this.group;
    const id = this.groupId;
    while (!this.tableDone) {
      if (!this.table.ready) return this.fillAndMerge();
      if (this.table.id > id) break;
      const index = this.table.id < id ? -1 : this.indexInGroup(this.table.ordering);
      const match = group[index];
      if (!match) {
        this.deleteCurrent();
        continue;
      }
      group[index] = null;
      if (!match.rejected && this.table.hash === match.hash) this.out.unchanged();
      else if (!match.rejected) this.out.update(match);
      this.table.next();
    }
    for (const row of group) if (row && !row.rejected) this.out.insert(row);
    group.length = 0;
    return undefined;
  }

  private async fillAndMerge(): Promise<void> {
    this.tableDone = !(await this.table.fill());
    await this.mergeGroup();
  }
}
