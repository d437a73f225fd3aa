/** A run summary as the API and the event stream send it (runSummary from lib/etl/runs.ts, as JSON). */
export interface TableSnapshot {
  table: string;
  status: string;
  stage: string | null;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  deletesWithheld: number;
  rejected: number;
  duplicates: number;
  bytesRead: number;
  bytesTotal: number | null;
  seconds: { download: number; load: number; apply: number; index: number };
  message: string | null;
  error: string | null;
}

export interface RunSnapshot {
  id: number;
  mode: string;
  source: string;
  trigger: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  tables: TableSnapshot[];
}

export const finishedStatuses = ["succeeded", "failed", "cancelled"];
