/**
 * How a run overlaps its tables (pipeline.ts runTables): the order the files are read in, how many tables and
 * readers may be in flight, and the slots that bound the server-side steps running at once (how many: the
 * mode's serverSlots, lib/etl/modes.ts).
 */

import { type TableName, tableNames } from "../catalog/datasets";

/**
 * The tables in the order they are read: the largest files first (their real sizes), so that the small ones
 * fill the gaps beside them instead of the largest starting last and the run waiting on it alone.
 */
const largestFirst: TableName[] = ["title_principals", "title_akas", "name_basics", "title_basics"];
export function readOrder(tables: TableName[]): TableName[] {
  const rank = (table: TableName) => {
    const index = largestFirst.indexOf(table);
    return index === -1 ? largestFirst.length : index;
  };
  // A stable sort: the other tables keep their usual order after these.
  return tableNames.filter((t) => tables.includes(t)).sort((a, b) => rank(a) - rank(b));
}

/** Tables in progress at most: two being read, and up to two whose server-side work runs or waits its turn. */
export const tablesInFlight = 4;
/** Files read at once: one thread reads both, interleaved, while each waits on its inflating and the server. */
export const readersInFlight = 2;

/** At most `size` holders at once; the others wait their turn in the order they asked. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  /** Waits for a slot; the function returned gives it back. */
  async take(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}
