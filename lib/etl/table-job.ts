/** What one table's sync needs and what it reports while it runs. */
import type { Pool } from "mysql2/promise";
import { stageSeconds, type TimedStage } from "../../db/run-states";
import type { DatasetSpec } from "../catalog/datasets";
import type { TableCounters } from "../run-record/counters";
import type { LineHasher } from "./hash";
import type { KeptFile } from "./kept-file";
import type { Reject } from "./scan";

/** What a sync saw of its file's order: ids that never go down let the next run skip unchanged lines in bulk. */
export interface SyncedShape {
  idsInOrder: boolean;
}

export interface TableJob {
  pool: Pool;
  spec: DatasetSpec;
  file: { path: string; gzipped: boolean; bytes: number };
  hash: LineHasher;
  counters: TableCounters;
  signal: AbortSignal;
  onReject(reject: Reject): void;
  /** Rows per staging batch. */
  chunkRows: number;
  /** Largest LOAD DATA statement in bytes: loads are split into statements (transactions) of this size. */
  maxTxnBytes?: number;
  /** On a Galera node: the apply's transaction is replicated in fragments of this many bytes (streaming). */
  fragmentBytes?: number;
  deleteGuard: { share: number; force: boolean };
  /** The kept file of the table's last exact sync: an incremental run diffs against it, not the table. */
  kept?: KeptFile;
  /**
   * Called when the table's reading is done and its server-side work (indexes and swap, or the apply) is next:
   * the run starts reading the next table meanwhile, and this waits for a slot for server-side work (one at a
   * time in a first build, two in an incremental run: serverSlots in modes.ts).
   */
  handOff?: () => Promise<void>;
  /**
   * Compare with the table itself: no fingerprint skip, no kept-file diff, and each row's content rather than
   * only its row_hash (the mode's fullCompare, modes.ts).
   */
  fullCompare?: boolean;
  /** The run applying the changes, and whether the table's changes are logged (etl_changes, history.ts). */
  history: { runId: number; track: boolean };
  /** Whether the schema has the search index (migration 0014) whose refresh the apply notes keys for. */
  searchIndex?: boolean;
}

/** Enters a stage and adds its wall time to the seconds counter the stage belongs to (db/run-states.ts). */
export async function timed<T>(counters: TableCounters, stage: TimedStage, work: () => Promise<T>): Promise<T> {
  counters.stage = stage;
  const started = performance.now();
  try {
    return await work();
  } finally {
    counters[stageSeconds[stage]] += (performance.now() - started) / 1000;
  }
}
