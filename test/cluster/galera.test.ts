/**
 * The engine on a real three-node Galera cluster (`npm run test:cluster` starts it, lib/db/cluster.ts) whose nodes
 * start with only the settings Galera requires and an 8 MB writeset limit: the migrations (run by
 * createTestDatabase) and every run go through such nodes; syncs through node 1 are exact on nodes 2 and 3, two starts through two nodes create one run, a writeset
 * over wsrep_max_ws_size fails the run, and node 1 killed mid-sync leaves a run that node 2 finishes exactly.
 */
import { gzipSync } from "node:zlib";
import { inArray } from "drizzle-orm";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etlRuns } from "../../db/schema";
import { datasets, tableNames } from "../../lib/catalog/datasets";
import { closePools, getDb, getPool } from "../../lib/db";
import { clusterNode, clusterWritesetLimit, nodePid, startCluster } from "../../lib/db/cluster";
import { executeRun } from "../../lib/etl/pipeline";
import { buildSearchIndex } from "../../lib/etl/search-build";
import { SyncBusyError } from "../../lib/runs/errors";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import {
  type EngineRun,
  folderSource,
  queueRun,
  runEngine,
  tableRows,
  tablesLike,
  tempDir,
  testSettings,
  tsv,
} from "../helpers/engine-run";
import { expectGenresEqualFile, expectTableEqualsFile } from "../helpers/exactness";
import { holdDownload, startServer, type TestServer } from "../helpers/http-server";
import { newer, older, text } from "../helpers/real-samples";

const rating = (n: number, votes: number) =>
  `tt${String(n).padStart(7, "0")}\t${(1 + (n % 89) / 10).toFixed(1)}\t${votes}`;
const ratings = (count: number, votes: number) => Array.from({ length: count }, (_, i) => rating(i + 1, votes + i));

/** The test database's URL on cluster node 1, 2 or 3 (same user and database, another port). */
function onNode(url: string, index: number): string {
  const urls = (process.env.CLUSTER_URLS ?? "").split(",");
  const node = urls[index - 1];
  if (!node) throw new Error("CLUSTER_URLS is not set: run these tests with `npm run test:cluster`.");
  const target = new URL(url);
  target.port = new URL(node).port;
  return target.toString();
}

/**
 * Waits until the node has applied every writeset committed anywhere before now: a read with
 * wsrep_sync_wait=1 blocks until then, so the exactness checks that follow on any connection see it all.
 */
async function waitForSync(url: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    await connection.query("SET SESSION wsrep_sync_wait = 1");
    await connection.query("SELECT COUNT(*) FROM etl_runs");
  } finally {
    await connection.end();
  }
}

/**
 * SET GLOBAL on every node (Galera does not replicate global variables), as root over the node's socket: the
 * console's user holds no server-wide privilege.
 */
async function setOnAllNodes(assignment: string): Promise<void> {
  for (const index of [1, 2, 3]) {
    const connection = await mysql.createConnection({ socketPath: clusterNode(index).socket, user: "root" });
    try {
      await connection.query(`SET GLOBAL ${assignment}`);
    } finally {
      await connection.end();
    }
  }
}

describe("the engine on a three-node Galera cluster", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase("galera");
    dir = await tempDir("galera");
  });
  afterAll(async () => {
    await closePools();
    await db?.drop();
  });

  it("every node runs with the writeset limit it was started with (the migrations ran under it)", async () => {
    for (const index of [1, 2, 3]) {
      const connection = await mysql.createConnection({ uri: onNode(db.url, index) });
      try {
        const [rows] = await connection.query<mysql.RowDataPacket[]>(
          "SELECT @@GLOBAL.wsrep_max_ws_size AS limit_bytes, @@GLOBAL.binlog_format AS format",
        );
        expect(rows[0]).toEqual({ limit_bytes: clusterWritesetLimit, format: "ROW" });
      } finally {
        await connection.end();
      }
    }
  });

  it("a first build and an incremental sync through node 1 (titles changing genres) are exact on nodes 2 and 3", async () => {
    const first = await runEngine(db.url, { mode: "first-run", source: older, tables: [...tableNames] });
    expect(first.status, JSON.stringify(first.error)).toBe("succeeded");
    const second = await runEngine(db.url, {
      mode: "incremental",
      source: newer,
      tables: [...tableNames],
      forceDeletes: true,
    });
    expect(second.status, JSON.stringify(second.tables.filter((t) => t.status !== "succeeded"))).toBe("succeeded");
    for (const index of [2, 3]) {
      const url = onNode(db.url, index);
      await waitForSync(url);
      for (const table of tableNames) await expectTableEqualsFile(url, table, text(newer, datasets[table].file));
      await expectGenresEqualFile(url, text(newer, "title.basics.tsv"));
    }
    // The search index was built by the first build and refreshed by the sync, on a node with a writeset limit,
    // and every node holds the same words.
    const indexOn = async (index: number) => {
      const connection = await mysql.createConnection({ uri: onNode(db.url, index) });
      try {
        const [[state]] = (await connection.query(
          `SELECT needs_build, built_by_run, (SELECT COUNT(*) FROM search_words) AS words,
             (SELECT COUNT(*) FROM search_dirty) AS dirty, (SELECT COUNT(*) FROM search_vocabulary) AS vocabulary,
             (SELECT COALESCE(SUM(word_rows), 0) FROM search_vocabulary) AS counted FROM search_state`,
        )) as unknown as [
          [
            {
              needs_build: number;
              built_by_run: number;
              words: number;
              dirty: number;
              vocabulary: number;
              counted: number;
            },
          ],
        ];
        const [[log]] = (await connection.query(
          "SELECT COUNT(*) AS failed FROM etl_run_log WHERE message LIKE 'search index update failed%'",
        )) as unknown as [[{ failed: number }]];
        return {
          ...state,
          words: Number(state.words),
          dirty: Number(state.dirty),
          vocabulary: Number(state.vocabulary),
          counted: Number(state.counted),
          failed: Number(log.failed),
        };
      } finally {
        await connection.end();
      }
    };
    const one = await indexOn(1);
    expect(one).toMatchObject({ needs_build: 0, built_by_run: first.id, dirty: 0, failed: 0 });
    expect(one.words).toBeGreaterThan(500);
    // The completion vocabulary counts every row of the words, refreshed with them.
    expect(one.counted).toBe(one.words);
    expect(one.vocabulary).toBeGreaterThan(100);
    expect(await indexOn(3)).toEqual(one);
    // The refreshed index is the one a full build makes of the same tables (built again here, through node 1).
    await buildSearchIndex(getPool(db.url), { upTo: second.id });
    await waitForSync(onNode(db.url, 3));
    expect(await indexOn(3)).toEqual({ ...one, built_by_run: second.id });
  });

  it("two starts at once through node 1 and node 2 create exactly one run; the other gets SyncBusyError", async () => {
    const run: EngineRun = { mode: "incremental", source: newer, tables: ["title_ratings"] };
    for (let round = 0; round < 5; round++) {
      const attempts = await Promise.allSettled([queueRun(db.url, run), queueRun(onNode(db.url, 2), run)]);
      const created = attempts.filter((a) => a.status === "fulfilled");
      const refused = attempts.flatMap((a) => (a.status === "rejected" ? [a.reason] : []));
      expect(created, `round ${round}: ${refused.map(String).join("; ")}`).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toBeInstanceOf(SyncBusyError);
      await waitForSync(db.url);
      const active = await getDb(db.url)
        .select({ id: etlRuns.id })
        .from(etlRuns)
        .where(inArray(etlRuns.status, ["queued", "running"]));
      expect(active).toHaveLength(1);
      await getDb(db.url)
        .update(etlRuns)
        .set({ status: "cancelled", finishedAt: new Date() })
        .where(inArray(etlRuns.status, ["queued", "running"]));
      await waitForSync(onNode(db.url, 2));
    }
  });

  it("a start through node 2 while a run executes through node 1 is refused and leaves that run running", async () => {
    const server = await startServer();
    try {
      const body = gzipSync(tsv("title_ratings", ratings(500, 7)));
      const download = holdDownload(server, body);
      const run: EngineRun = {
        mode: "incremental",
        source: "imdb",
        tables: ["title_ratings"],
        sourceSettings: { baseUrl: server.url, downloadDir: await tempDir("galera-busy") },
      };
      const runId = await queueRun(db.url, run);
      const done = executeRun(db.url, runId, { settings: testSettings(run), heartbeatMs: 200 });
      await download.asked;
      await waitForSync(onNode(db.url, 2));
      const refusal = await queueRun(onNode(db.url, 2), run).catch((error: unknown) => error);
      download.release();
      const summary = await done;
      expect(refusal).toBeInstanceOf(SyncBusyError);
      expect(summary.status).toBe("succeeded");
    } finally {
      await server.close();
    }
  });

  it("a first build and an incremental run far over wsrep_max_ws_size succeed: loads split at half the limit, the apply replicated in fragments", async () => {
    const large = tsv("title_ratings", ratings(200_000, 5));
    const changed = tsv("title_ratings", ratings(200_000, 9));
    await setOnAllNodes("wsrep_max_ws_size = 2097152");
    try {
      const first = await runEngine(db.url, {
        mode: "first-run",
        source: await folderSource(dir, "ws-bounded", "title_ratings", large),
        tables: ["title_ratings"],
      });
      expect(first.status, JSON.stringify(first.error)).toBe("succeeded");
      expect(first.tables[0]?.message).toMatch(/Loaded in \d+ transactions of at most 1048576 bytes/);
      // Every row updated: one apply transaction of about 9 MB, replicated as 1 MB fragments.
      const incremental = await runEngine(db.url, {
        mode: "incremental",
        source: await folderSource(dir, "ws-bounded-changed", "title_ratings", changed),
        tables: ["title_ratings"],
      });
      expect(incremental.status, JSON.stringify(incremental.error)).toBe("succeeded");
      expect(incremental.tables[0]?.updated).toBe(200_000);
    } finally {
      await setOnAllNodes(`wsrep_max_ws_size = ${clusterWritesetLimit}`);
    }
    for (const node of [2, 3]) {
      await waitForSync(onNode(db.url, node));
      await expectTableEqualsFile(onNode(db.url, node), "title_ratings", changed);
    }
  });

  it("with MAX_TXN_BYTES above wsrep_max_ws_size a load fails cleanly with 'Maximum writeset size exceeded', and the next run ends exact", async () => {
    const before = await tableRows(db.url, "title_ratings");
    const large = tsv("title_ratings", ratings(200_000, 11));
    const run: EngineRun = {
      mode: "incremental",
      source: await folderSource(dir, "ws-too-large", "title_ratings", large),
      tables: ["title_ratings"],
    };
    await setOnAllNodes("wsrep_max_ws_size = 2097152");
    try {
      const summary = await runEngine(db.url, { ...run, settings: { maxTxnBytes: 64 << 20 } });
      expect(summary.status).toBe("failed");
      expect(summary.error).toMatch(/Maximum writeset size exceeded/);
    } finally {
      await setOnAllNodes(`wsrep_max_ws_size = ${clusterWritesetLimit}`);
    }
    expect(await tableRows(db.url, "title_ratings")).toEqual(before);
    await waitForSync(onNode(db.url, 3));
    expect(await tableRows(onNode(db.url, 3), "title_ratings")).toEqual(before);
    expect(await tablesLike(db.url, "%\\_\\_new")).toEqual([]);
    expect(await tablesLike(db.url, "\\_stage\\_%")).toEqual([]);
    expect((await runEngine(db.url, run)).status).toBe("succeeded");
    await waitForSync(onNode(db.url, 3));
    await expectTableEqualsFile(onNode(db.url, 3), "title_ratings", large);
  });

  describe("node 1 killed during a sync through node 1", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
    });
    afterAll(async () => {
      await server.close();
      await startCluster(); // node 1 back even if the test failed half-way (nothing to do when it runs)
    });

    it("the run fails, recorded through node 2 at once; a sync through node 2 then starts and ends exact on every node", async () => {
      const next = tsv("title_ratings", ratings(3000, 100));
      const body = gzipSync(next);
      const download = holdDownload(server, body);
      const run: EngineRun = {
        mode: "incremental",
        source: "imdb",
        tables: ["title_ratings"],
        forceDeletes: true,
        sourceSettings: { baseUrl: server.url, downloadDir: await tempDir("galera-downloads") },
      };
      const runId = await queueRun(db.url, run);
      const nodes = [1, 2, 3].map((index) => onNode(db.url, index));
      const done = executeRun(db.url, runId, { settings: testSettings(run), heartbeatMs: 200, nodes }).then(
        (summary) => ({ summary, error: undefined }),
        (error: unknown) => ({ summary: undefined, error }),
      );
      await download.asked;
      const pid = nodePid(1);
      expect(pid).toBeDefined();
      process.kill(pid as number, "SIGKILL");
      download.release();
      const outcome = await done;
      console.log(
        "run through the killed node 1:",
        outcome.summary ? `${outcome.summary.status} ${JSON.stringify(outcome.summary.error)}` : String(outcome.error),
      );
      expect(outcome.summary?.status).toBe("failed");
      expect(outcome.summary?.error).toContain(
        `The database node ${new URL(db.url).host} stopped answering during the sync`,
      );

      // Node 2 takes the next run at once: the killed run was failed through it, no stale heartbeat to wait for.
      const node2 = onNode(db.url, 2);
      const retryRun: EngineRun = {
        mode: "incremental",
        source: await folderSource(dir, "after-kill", "title_ratings", next),
        tables: ["title_ratings"],
        forceDeletes: true,
      };
      await waitForSync(node2);
      const retry = await queueRun(node2, retryRun);
      const summary = await executeRun(node2, retry, { settings: testSettings(retryRun) });
      expect(summary.status).toBe("succeeded");

      // The surviving nodes first: then node 1 rejoins by a full state transfer from one of them.
      for (const index of [2, 3, 1]) {
        if (index === 1) await startCluster();
        const url = onNode(db.url, index);
        await waitForSync(url);
        await expectTableEqualsFile(url, "title_ratings", next);
      }
    });
  });
});
