/**
 * A database node that dies mid-sync, on one server: the run connects through a TCP proxy (node A) that the
 * test kills, while the server itself stays reachable directly (node B, the same data, as another node of a
 * cluster would be). The run fails cleanly and records that through node B at once, so the next run through
 * node B starts without waiting for a stale heartbeat, and ends exact.
 */
import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etlRuns } from "../../db/schema";
import { closePools, getDb } from "../../lib/db";
import { executeRun } from "../../lib/etl/pipeline";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { type EngineRun, queueRun, runEngine, tempDir, testSettings, tsv } from "../helpers/engine-run";
import { expectTableEqualsFile } from "../helpers/exactness";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";

const rating = (n: number, votes: number) => `tt${String(n).padStart(7, "0")}\t7.${n % 10}\t${votes}`;
const ratings = (from: number, to: number, votes: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => rating(from + i, votes + i));

describe("the database node in use dies during a sync", () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  beforeAll(async () => {
    db = await createTestDatabase("node_lost");
    proxy = await startTcpProxy(db.url);
  });
  afterAll(async () => {
    await proxy.kill().catch(() => {});
    await closePools();
    await db.drop();
  });

  it("the run fails, recorded through another node; a run through that node then starts at once and ends exact", async () => {
    const nodeA = proxy.through(db.url);
    const nodeB = db.url;
    const dir = await tempDir("node-lost");
    const fifo = path.join(dir, "title.ratings.tsv");
    execFileSync("mkfifo", [fifo]);
    const run: EngineRun = { mode: "incremental", source: dir, tables: ["title_ratings"] };
    const id = await queueRun(nodeA, run);
    const done = executeRun(nodeA, id, { settings: testSettings(run), heartbeatMs: 100, nodes: [nodeA, nodeB] });
    const writer = createWriteStream(fifo);
    writer.on("error", () => {});
    writer.write(tsv("title_ratings", ratings(1, 2000, 10)));
    // Running, with rows read: then node A dies, and the rest of the file follows.
    const running = async () =>
      (await getDb(nodeB).select({ status: etlRuns.status }).from(etlRuns).where(eq(etlRuns.id, id)))[0]?.status;
    while ((await running()) !== "running") await sleep(20);
    await sleep(300);
    await proxy.kill();
    writer.end(`${ratings(2001, 4000, 10).join("\n")}\n`);

    const summary = await done;
    expect(summary.status).toBe("failed");
    expect(summary.error).toMatch(
      new RegExp(
        `The database node 127\\.0\\.0\\.1:${proxy.port} stopped answering during the sync \\(\\w+ ECONN\\w+.*\\); this was recorded through 127\\.0\\.0\\.1:\\d+\\.\\ntitle_ratings: `,
      ),
    );

    // Node B takes the next run at once (no minute of stale heartbeat), and it ends exact.
    const next = tsv("title_ratings", ratings(1, 3000, 20));
    const folder = await tempDir("node-lost-next");
    await writeFile(path.join(folder, "title.ratings.tsv"), next);
    const after = await runEngine(nodeB, { mode: "incremental", source: folder, tables: ["title_ratings"] });
    expect(after.status).toBe("succeeded");
    await expectTableEqualsFile(nodeB, "title_ratings", next);
  });
});
