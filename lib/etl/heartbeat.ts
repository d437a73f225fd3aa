/**
 * A run's heartbeat: every interval it saves the rejected lines found since the last beat and the counters of
 * the tables in progress (two at a time when one is applied while the next is read), so the console follows the
 * run live wherever it runs; records the beat, and aborts the run when someone asked to cancel it or ended it
 * meanwhile (superseded). Beats never overlap.
 */

import type { TableName } from "../catalog/datasets";
import type { Db } from "../db";
import { countersToRow, type TableCounters } from "../run-record/counters";
import { type RejectedLine, recordRejects, updateTable } from "../run-record/record";
import { heartbeat } from "../run-record/states";
import { EtlError } from "./errors";

export interface Tracked {
  table: TableName;
  counters: TableCounters;
}

export class Heartbeat {
  private readonly current = new Map<TableName, Tracked>();
  private rejects: RejectedLine[] = [];
  private beating = Promise.resolve();
  /** Someone else ended the run (it was marked failed or cancelled): nothing more is written for it. */
  superseded = false;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly db: Db,
    private readonly runId: number,
    private readonly controller: AbortController,
    intervalMs: number,
    onBeat?: (tracked: Tracked) => void,
  ) {
    this.timer = setInterval(() => {
      for (const tracked of this.current.values()) onBeat?.(tracked);
      this.beating = this.beating.then(() => this.beat()).catch(() => undefined);
    }, intervalMs);
  }

  /** A table whose counters the beats save from now on. */
  track(tracked: Tracked): void {
    this.current.set(tracked.table, tracked);
  }

  /** A table that has ended: its final counters are saved by its own last update. */
  untrack(table: TableName): void {
    this.current.delete(table);
  }

  addReject(reject: RejectedLine): void {
    this.rejects.push(reject);
  }

  /** Waits for a beat in progress, then saves what is pending now. */
  async flush(): Promise<void> {
    await this.beating;
    await this.save();
  }

  /** Stops beating (after a beat in progress). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }

  private async save(): Promise<void> {
    if (this.superseded) return; // flush() after the run was ended elsewhere writes nothing either
    const rejects = this.rejects;
    this.rejects = [];
    await recordRejects(this.db, this.runId, rejects);
    for (const { table, counters } of [...this.current.values()]) {
      await updateTable(this.db, this.runId, table, countersToRow(counters));
    }
  }

  private async beat(): Promise<void> {
    if (this.superseded) return;
    await this.save();
    const { cancelRequested, superseded } = await heartbeat(this.db, this.runId);
    if (this.controller.signal.aborted) return;
    if (superseded) {
      this.superseded = true;
      this.controller.abort(new EtlError("SUPERSEDED", "The run was ended by someone else; it stops here."));
    } else if (cancelRequested) {
      this.controller.abort(new EtlError("CANCELLED", "The sync was cancelled."));
    }
  }
}
