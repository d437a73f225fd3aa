import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePools } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { type EngineRun, runEngine, tableResult, tableRows, tempDir, tsv } from "../helpers/engine-run";
import { expectTableEqualsFile } from "../helpers/exactness";
import { serveWithEtag, startServer, type TestServer } from "../helpers/http-server";

const ratings = (count: number, votes: number) =>
  Array.from(
    { length: count },
    (_, i) => `tt${String(i + 1).padStart(7, "0")}\t${(1 + (i % 89) / 10).toFixed(1)}\t${votes + i}`,
  );
const ratingsV1 = tsv("title_ratings", ratings(300, 100));
/** v2 changes every row, so a partial or wrong load would show in the table. */
const ratingsV2 = tsv("title_ratings", ratings(320, 5000));
const gzV1 = gzipSync(ratingsV1);
const gzV2 = gzipSync(ratingsV2);
const half = gzV2.length >> 1;

describe("the HTTP source (a local server standing in for IMDb)", () => {
  let db: TestDatabase;
  let server: TestServer;
  let run: EngineRun;
  let downloadDir: string;
  const fileRequests = () => server.requests.filter((r) => r.path === "/title.ratings.tsv.gz");

  /** Runs an incremental sync that must fail, and checks that it changed nothing in the table. */
  const expectFailureChangingNothing = async (engineRun: EngineRun = run) => {
    const before = await tableRows(db.url, "title_ratings");
    server.requests.length = 0;
    const summary = await runEngine(db.url, engineRun);
    expect(summary.status).toBe("failed");
    const result = tableResult(summary, "title_ratings");
    expect(result.status).toBe("failed");
    expect(result).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
    expect(await tableRows(db.url, "title_ratings")).toEqual(before);
    // The copy kept from the last good download is still there, and no partial file is left behind.
    expect(await readdir(downloadDir)).toEqual(["title.ratings.tsv.gz"]);
    expect(await readFile(path.join(downloadDir, "title.ratings.tsv.gz"))).toEqual(gzV1);
    return result;
  };

  beforeAll(async () => {
    db = await createTestDatabase("http_source");
    server = await startServer();
    downloadDir = await tempDir("http-downloads");
    run = {
      mode: "incremental",
      source: "imdb",
      tables: ["title_ratings"],
      sourceSettings: { baseUrl: server.url, downloadDir, retries: 1 },
    };
  });
  afterAll(async () => {
    await server.close();
    await closePools();
    await db.drop();
  });

  it("a first sync downloads the file and loads it", async () => {
    server.handle(serveWithEtag(gzV1, '"v1"'));
    const summary = await runEngine(db.url, { ...run, mode: "first-run" });
    expect(summary.status).toBe("succeeded");
    expect(tableResult(summary, "title_ratings")).toMatchObject({ status: "succeeded", read: 300, inserted: 300 });
    expect(fileRequests()).toEqual([{ path: "/title.ratings.tsv.gz", ifNoneMatch: undefined, status: 200 }]);
    await expectTableEqualsFile(db.url, "title_ratings", ratingsV1);
  });

  it("the next sync sends If-None-Match, gets 304 and skips the table without changing it", async () => {
    const before = await tableRows(db.url, "title_ratings");
    server.requests.length = 0;
    const summary = await runEngine(db.url, run);
    expect(summary.status).toBe("succeeded");
    expect(fileRequests()).toEqual([{ path: "/title.ratings.tsv.gz", ifNoneMatch: '"v1"', status: 304 }]);
    expect(tableResult(summary, "title_ratings")).toMatchObject({
      status: "skipped",
      read: 0,
      inserted: 0,
      updated: 0,
      deleted: 0,
    });
    expect(await tableRows(db.url, "title_ratings")).toEqual(before);
  });

  it("a first build over an unchanged file (304) rebuilds the table from the kept copy", async () => {
    server.requests.length = 0;
    const summary = await runEngine(db.url, { ...run, mode: "first-run" });
    expect(summary.status).toBe("succeeded");
    expect(fileRequests()).toEqual([{ path: "/title.ratings.tsv.gz", ifNoneMatch: '"v1"', status: 304 }]);
    expect(tableResult(summary, "title_ratings")).toMatchObject({ status: "succeeded", read: 300, inserted: 300 });
    await expectTableEqualsFile(db.url, "title_ratings", ratingsV1);
  });

  it("a 404 fails the table with the status in its error and changes nothing", async () => {
    server.handle((_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("no such file");
    });
    const result = await expectFailureChangingNothing();
    expect(result.error).toMatch(/404/);
    expect(fileRequests()).toHaveLength(1);
  });

  it("a 500 is retried, then fails the table and changes nothing", async () => {
    server.handle((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("boom");
    });
    const result = await expectFailureChangingNothing();
    expect(result.error).toMatch(/500/);
    expect(fileRequests()).toHaveLength(2);
  });

  it("a 500 followed by a good answer: the retry succeeds", async () => {
    const honour = serveWithEtag(gzV1, '"v1"');
    let calls = 0;
    server.handle((req, res) => {
      if (calls++ === 0) {
        res.writeHead(500);
        res.end();
      } else honour(req, res);
    });
    server.requests.length = 0;
    const summary = await runEngine(db.url, run);
    expect(summary.status).toBe("succeeded");
    expect(tableResult(summary, "title_ratings").status).toBe("skipped");
    expect(fileRequests().map((r) => r.status)).toEqual([500, 304]);
  });

  it("a server that stops sending fails the download as stalled after the idle timeout and changes nothing", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { etag: '"v2"', "content-length": gzV2.length });
      res.write(gzV2.subarray(0, 100));
    });
    const saved = run;
    run = { ...run, sourceSettings: { ...run.sourceSettings, timeoutMs: 300 } };
    try {
      const result = await expectFailureChangingNothing();
      expect(result.error).toMatch(/title\.ratings\.tsv\.gz stalled for 300 ms/);
      expect(fileRequests()).toHaveLength(2);
    } finally {
      run = saved;
    }
  });

  it("a body shorter than its Content-Length fails as a truncated download and changes nothing", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { etag: '"v2"', "content-length": gzV2.length });
      res.write(gzV2.subarray(0, half), () => setTimeout(() => res.socket?.end(), 50));
    });
    const result = await expectFailureChangingNothing();
    expect(result.error).toMatch(
      new RegExp(`GET ${server.url}title\\.ratings\\.tsv\\.gz ended after ${half} of ${gzV2.length} bytes`),
    );
    expect(fileRequests()).toHaveLength(2);
  });

  it("a connection dropped in the middle of the body fails and changes nothing", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { etag: '"v2"', "content-length": gzV2.length });
      res.write(gzV2.subarray(0, half), () => setTimeout(() => res.socket?.destroy(), 50));
    });
    const result = await expectFailureChangingNothing();
    expect(result.error).toMatch(/title\.ratings\.tsv\.gz ended after \d+ of \d+ bytes \(the connection closed/);
    expect(fileRequests()).toHaveLength(2);
  });

  it("a redirect to another host (or from the mirror to plain HTTP elsewhere) is refused, not followed", async () => {
    server.handle((_req, res) => {
      res.statusCode = 302;
      res.setHeader("location", "http://198.51.100.1/title.ratings.tsv.gz");
      res.end();
    });
    const result = await expectFailureChangingNothing();
    expect(result.error).toMatch(/redirected to http:\/\/198\.51\.100\.1, which is not allowed/);
    expect(server.requests.map((r) => r.path)).toEqual(["/title.ratings.tsv.gz"]);
  });

  it("a redirect within the mirror's own origin is followed", async () => {
    server.handle((req, res) => {
      if (req.url === "/title.ratings.tsv.gz") {
        res.statusCode = 301;
        res.setHeader("location", "/moved/title.ratings.tsv.gz");
        res.end();
      } else serveWithEtag(gzV1, '"v1"')(req, res);
    });
    server.requests.length = 0;
    const summary = await runEngine(db.url, run);
    expect(summary.status).toBe("succeeded");
    expect(server.requests.map((r) => r.path)).toEqual(["/title.ratings.tsv.gz", "/moved/title.ratings.tsv.gz"]);
  });

  it("a file larger than MAX_DOWNLOAD_BYTES is refused, by its Content-Length or as it arrives", async () => {
    const capped = { ...run, sourceSettings: { ...run.sourceSettings, maxDownloadBytes: half } };
    server.handle(serveWithEtag(gzV2, '"v2"'));
    let result = await expectFailureChangingNothing(capped);
    expect(result.error).toMatch(/larger than MAX_DOWNLOAD_BYTES/);
    server.handle((_req, res) => {
      res.setHeader("transfer-encoding", "chunked");
      res.end(gzV2);
    });
    result = await expectFailureChangingNothing(capped);
    expect(result.error).toMatch(/larger than MAX_DOWNLOAD_BYTES/);
  });

  it("after the failures, a changed file on the server is downloaded and synced", async () => {
    server.handle(serveWithEtag(gzV2, '"v2"'));
    server.requests.length = 0;
    const summary = await runEngine(db.url, run);
    expect(summary.status).toBe("succeeded");
    expect(fileRequests()).toEqual([{ path: "/title.ratings.tsv.gz", ifNoneMatch: '"v1"', status: 200 }]);
    expect(tableResult(summary, "title_ratings")).toMatchObject({ read: 320, inserted: 20, updated: 300 });
    await expectTableEqualsFile(db.url, "title_ratings", ratingsV2);
  });
});
