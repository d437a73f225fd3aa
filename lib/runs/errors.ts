/** Why a sync cannot start: each error carries the code the API answers with (lib/api/errors.ts). */
import type { TableName } from "../catalog/datasets";

export class SyncBusyError extends Error {
  readonly code = "SYNC_BUSY";
  constructor(readonly runId: number) {
    super(`Sync #${runId} is still running; wait for it to finish or cancel it.`);
  }
}

/** A first build over tables that hold data was asked for without saying it may replace them. */
export class ReplaceNotConfirmedError extends Error {
  readonly code = "CONFIRM_REPLACE";
  constructor(readonly tables: TableName[]) {
    super(
      `A first build replaces the contents of tables that already hold data (${tables.join(", ")}). ` +
        "Confirm it (--replace on the command line, replace: true in the API), or run an incremental sync.",
    );
  }
}
