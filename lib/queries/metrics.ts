/**
 * Prometheus metrics (prom-client): process defaults plus gauges read from the database at scrape time,
 * so they are right whichever process ran the sync (web worker, CLI, schedule).
 */
import "server-only";
import { and, count, desc, eq, inArray, max, ne, type SQL } from "drizzle-orm";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { etlRuns, etlRunTables, finishedRunStatuses, runStatuses } from "@/db/schema";
import { getDb } from "@/lib/db";
import { latestQuality } from "./quality";
import { tableSummaries } from "./tables";

const counters = ["read", "inserted", "updated", "deleted", "rejected", "duplicates"] as const;

/** The per-table rows of the newest finished run of the kind `which` selects (syncs, or verifies). */
async function lastFinishedRunTables(which: SQL) {
  const db = getDb();
  const [last] = await db
    .select({ id: etlRuns.id })
    .from(etlRuns)
    .where(and(inArray(etlRuns.status, finishedRunStatuses), which))
    .orderBy(desc(etlRuns.id))
    .limit(1);
  return last ? db.select().from(etlRunTables).where(eq(etlRunTables.runId, last.id)) : [];
}

function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "imdb_console_" });
  new Gauge({
    name: "imdb_sync_runs",
    help: "Sync runs recorded, by status",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const rows = await getDb().select({ status: etlRuns.status, n: count() }).from(etlRuns).groupBy(etlRuns.status);
      for (const status of runStatuses) this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
    },
  });
  new Gauge({
    name: "imdb_sync_last_success_timestamp_seconds",
    help: "When the last successful sync (not a verify) finished (Unix time; 0 if never)",
    registers: [registry],
    async collect() {
      const [row] = await getDb()
        .select({ at: max(etlRuns.finishedAt) })
        .from(etlRuns)
        .where(and(eq(etlRuns.status, "succeeded"), ne(etlRuns.mode, "verify")));
      this.set(row?.at ? new Date(row.at).getTime() / 1000 : 0);
    },
  });
  new Gauge({
    name: "imdb_sync_last_run_rows",
    help: "Rows per table and counter in the last finished sync (not a verify)",
    labelNames: ["table", "counter"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const t of await lastFinishedRunTables(ne(etlRuns.mode, "verify"))) {
        const values = { ...t, read: t.rowsRead };
        for (const counter of counters) this.set({ table: t.tableName, counter }, values[counter]);
      }
    },
  });
  new Gauge({
    name: "imdb_verify_drift_rows",
    help: "Rows per table and kind (missing, differing, extra) that differed from the files in the last finished verify",
    labelNames: ["table", "kind"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const t of await lastFinishedRunTables(eq(etlRuns.mode, "verify"))) {
        if (t.driftMissing === null) continue; // not verified to its end
        this.set({ table: t.tableName, kind: "missing" }, t.driftMissing);
        this.set({ table: t.tableName, kind: "differing" }, t.driftDiffering ?? 0);
        this.set({ table: t.tableName, kind: "extra" }, t.driftExtra ?? 0);
      }
    },
  });
  new Gauge({
    name: "imdb_table_rows_estimate",
    help: "Rows per IMDb table (the server's estimate)",
    labelNames: ["table"],
    registers: [registry],
    async collect() {
      for (const t of await tableSummaries()) this.set({ table: t.table }, t.rows);
    },
  });
  new Gauge({
    name: "imdb_quality_rows",
    help: "Rows each data-quality check found in its latest count (rows whose key is missing from the table the check names)",
    labelNames: ["check"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of (await latestQuality()).checks) this.set({ check: c.name }, c.rows);
    },
  });
  return registry;
}

const cache = globalThis as unknown as { imdbMetrics?: Registry };

export function metricsRegistry(): Registry {
  cache.imdbMetrics ??= createRegistry();
  return cache.imdbMetrics;
}
