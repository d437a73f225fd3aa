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
  unchanged(): void;
  delete(id: number, ordering: number): void;
  /** Called between ids; a returned promise (a batch to hand over) is awaited. */
  between(): Promise<void> | undefined;
}

export class KeyMerge {
  private group: ScannedRow[] = [];
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
      const groupId = this.group[0]?.id ?? -1;
      if (row.id < groupId) throw this.unsorted(row);
      if (row.id > groupId && this.group.length > 0) {
        await this.mergeGroup();
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
    const twin = this.group.findIndex((other) => other.ordering === row.ordering);
    const earlier = this.group[twin];
    if (!earlier) {
      this.group.push(row);
      return;
    }
    const { wins, duplicate } = laterRowWins(earlier, row);
    if (duplicate) this.counters.duplicates++;
    if (wins) this.group[twin] = row;
  }

  private deleteCurrent(): void {
    this.out.delete(this.table.id, this.table.ordering);
    this.table.next();
  }

  private async mergeGroup(): Promise<void> {
    const group = this.group;
    this.group = [];
    const id = group[0]?.id ?? 0;
    for (;;) {
      if (!this.table.ready) {
        this.tableDone = !(await this.table.fill());
        if (this.tableDone) break;
      }
      if (this.table.id > id) break;
      const index = this.table.id < id ? -1 : group.findIndex((row) => row.ordering === this.table.ordering);
      const match = group[index];
      if (!match) {
        this.deleteCurrent();
        continue;
      }
      group.splice(index, 1);
      const same = this.table.hash === match.hash;
      this.table.next();
      if (match.rejected) continue;
      if (same) this.out.unchanged();
      else this.out.update(match);
    }
    for (const row of group) if (!row.rejected) this.out.insert(row);
  }
}
