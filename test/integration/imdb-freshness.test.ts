import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePools, getDb } from "../../lib/db";
import { imdbFreshness } from "../../lib/queries/freshness";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { runEngine, tempDir, tsv } from "../helpers/engine-run";
import { serveWithEtag, startServer, type TestServer } from "../helpers/http-server";

const ratings = gzipSync(tsv("title_ratings", ["tt0000001\t5.8\t1403"]));

describe("whether IMDb has newer files than the last sync", () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase("imdb_freshness");
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
    await closePools();
    await db.drop();
  });

  const stateOf = async (table: string) =>
    (await imdbFreshness(getDb(db.url), server.url)).find((f) => f.table === table);

  it("reports a file never synced as newer, and a missing one as unknown with the status", async () => {
    server.handle((req, res) => {
      if (req.url === "/title.ratings.tsv.gz") return serveWithEtag(ratings, '"v1"')(req, res);
      res.writeHead(404);
      res.end();
    });
    expect(await stateOf("title_ratings")).toMatchObject({ state: "newer" });
    expect(await stateOf("title_basics")).toEqual({
      table: "title_basics",
      state: "unknown",
      reason: "IMDb answered 404",
    });
  });

  it("reports the synced file as the same (304), and a changed one as newer, without downloading", async () => {
    const downloadDir = await tempDir("freshness-downloads");
    const summary = await runEngine(db.url, {
      mode: "first-run",
      source: "imdb",
      tables: ["title_ratings"],
      sourceSettings: { baseUrl: server.url, downloadDir, retries: 0 },
    });
    expect(summary.status).toBe("succeeded");
    server.requests.length = 0;
    expect(await stateOf("title_ratings")).toMatchObject({ state: "same" });
    expect(server.requests.find((r) => r.path === "/title.ratings.tsv.gz")).toMatchObject({
      ifNoneMatch: '"v1"',
      status: 304,
    });
    server.handle(serveWithEtag(ratings, '"v2"'));
    expect(await stateOf("title_ratings")).toMatchObject({ state: "newer" });
  });

  it("says when IMDb cannot be reached", async () => {
    const [result] = await imdbFreshness(getDb(db.url), "http://127.0.0.1:9/", 1000);
    expect(result).toMatchObject({ state: "unknown", reason: expect.stringMatching(/could not be reached/) });
  });
});
