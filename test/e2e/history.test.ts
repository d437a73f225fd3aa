/**
 * The change history in the browser: a run's changes on its page (filtered by kind, searched by key) and through
 * `GET /api/runs/:id/changes` a page at a time; a title's rating chart after three syncs. The syncs read small
 * folders of title.ratings the test writes (the sample's rows, edited), executed in this process as a
 * command-line sync would be; the sample is loaded again afterwards for the other tests.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RunChangesResponse, TitleHistoryResponse } from "../../lib/api/contract";
import { executeRun } from "../../lib/etl/pipeline";
import { launchBrowser } from "../helpers/browser";
import { type EngineRun, queueRun, testSettings } from "../helpers/engine-run";
import { ensureSampleLoaded, openConsole } from "./console-page";

const header = "tconst\taverageRating\tnumVotes";

describe("change history in the console", () => {
  let browser: Browser;
  let dir: string;
  let folders = 0;

  /** An incremental sync of title_ratings from these lines; returns the run's id once it is over. */
  async function syncRatings(lines: string[]): Promise<number> {
    const folder = path.join(dir, `ratings-${++folders}`);
    await mkdir(folder);
    await writeFile(path.join(folder, "title.ratings.tsv"), `${[header, ...lines].join("\n")}\n`);
    const run: EngineRun = { mode: "incremental", source: folder, tables: ["title_ratings"], forceDeletes: true };
    const id = await queueRun(inject("databaseUrl"), run);
    const summary = await executeRun(inject("databaseUrl"), id, { settings: testSettings(run) });
    expect(summary.status, summary.error ?? "").toBe("succeeded");
    return id;
  }

  async function api<T>(pathname: string): Promise<T> {
    const response = await fetch(new URL(pathname, inject("baseUrl")));
    expect(response.status, pathname).toBe(200);
    return (await response.json()) as T;
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    dir = await mkdtemp(path.join(tmpdir(), "imdb-e2e-history-"));
    await ensureSampleLoaded();
    // A known starting point for the ratings: the first three of the sample.
    await syncRatings(["tt0000001\t5.8\t1403", "tt0000002\t6.5\t163", "tt0000003\t6.6\t992"]);
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
    await ensureSampleLoaded();
  });

  it("a run's page lists its changes, filtered by kind and searched by key; the API pages through them", async () => {
    const id = await syncRatings(["tt0000001\t5.8\t1500", "tt0000003\t6.6\t992", "tt0000005\t6.2\t2000"]);
    const { page, errors } = await openConsole(browser, `/runs/${id}`);
    const changes = page.getByRole("region", { name: "Changed rows" }).locator("tbody tr");
    await changes.first().waitFor();
    expect(await changes.evaluateAll((rows) => rows.map((r) => [r.dataset.key, r.dataset.change]))).toEqual([
      ["tt0000001", "update"],
      ["tt0000002", "delete"],
      ["tt0000005", "insert"],
    ]);
    const update = page.locator('tr[data-key="tt0000001"] li[data-column="numVotes"]');
    await expect(update.textContent()).resolves.toBe("numVotes: 1403 → 1500");
    await expect(page.locator('tr[data-key="tt0000001"] li').count()).resolves.toBe(1);

    await page.locator('form[aria-label="Filter changes"] select[name="kind"]').selectOption("delete");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/kind=delete/);
    expect(await changes.evaluateAll((rows) => rows.map((r) => r.dataset.key))).toEqual(["tt0000002"]);

    await page.goto(new URL(`/runs/${id}?key=tt0000005`, inject("baseUrl")).toString());
    expect(await changes.evaluateAll((rows) => rows.map((r) => r.dataset.key))).toEqual(["tt0000005"]);

    // Across runs, newest first: this run's one inserted rating heads the inserted ratings of the last day.
    await page.goto(new URL("/changes?within=day&table=title_ratings&kind=insert", inject("baseUrl")).toString());
    const across = page.getByRole("region", { name: "Changed rows across runs" }).locator("tbody tr").first();
    await expect(across.getAttribute("data-key")).resolves.toBe("tt0000005");
    await expect(across.locator("td").first().textContent()).resolves.toBe(`#${id}`);
    expect(errors).toEqual([]);
    await page.close();

    const pages: RunChangesResponse[] = [];
    let next: string | null = "";
    while (next !== null) {
      const body: RunChangesResponse = await api(`/api/runs/${id}/changes?limit=1${next ? `&after=${next}` : ""}`);
      pages.push(body);
      next = body.next;
    }
    expect(pages.flatMap((p) => p.changes)).toEqual([
      {
        table: "title_ratings",
        key: "tt0000001",
        ordering: null,
        kind: "update",
        columns: { numVotes: { old: "1403", new: "1500" } },
      },
      { table: "title_ratings", key: "tt0000002", ordering: null, kind: "delete" },
      { table: "title_ratings", key: "tt0000005", ordering: null, kind: "insert" },
    ]);
    const missing = await fetch(new URL("/api/runs/999999/changes", inject("baseUrl")));
    expect(missing.status).toBe(404);
  });

  it("a run's page goes through its changes 50 at a time, with links to the next page and back", async () => {
    const ratings = Array.from(
      { length: 60 },
      (_, i) => `tt${String(i + 1).padStart(7, "0")}\t7.${i % 10}\t${100 + i}`,
    );
    const id = await syncRatings(ratings);
    const { page, errors } = await openConsole(browser, `/runs/${id}?table=title_ratings`);
    const keys = () =>
      page
        .getByRole("region", { name: "Changed rows" })
        .locator("tbody tr")
        .evaluateAll((rows) => rows.map((r) => r.dataset.key));
    const first = await keys();
    expect(first.length).toBe(50);
    await page.getByRole("link", { name: "Next page →" }).click();
    await page.waitForURL(/after=/);
    const second = await keys();
    expect([...first, ...second]).toEqual(ratings.map((line) => line.split("\t")[0]));
    await expect(page.getByRole("link", { name: "Next page →" }).count()).resolves.toBe(0);
    await page.getByRole("link", { name: "← First page" }).click();
    await page.waitForURL((url) => !url.search.includes("after="));
    expect(await keys()).toEqual(first);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a title's page charts its rating and votes after three syncs", async () => {
    const before = await api<TitleHistoryResponse>("/api/titles/tt0000001/history");
    const ratings = [
      ["6.1", "1600"],
      ["7.4", "2100"],
      ["8.2", "2900"],
    ] as const;
    const runs: number[] = [];
    for (const [rating, votes] of ratings) runs.push(await syncRatings([`tt0000001\t${rating}\t${votes}`]));
    const after = await api<TitleHistoryResponse>("/api/titles/tt0000001/history");
    expect(after.ratings.length).toBe(before.ratings.length + 3);
    expect(after.ratings.slice(-3).map((p) => [p.runId, p.averageRating, p.numVotes])).toEqual(
      ratings.map(([rating, votes], i) => [runs[i], rating, Number(votes)]),
    );

    const versions = await api<{ versions: { validFromRun: number | null; row: Record<string, string> | null }[] }>(
      "/api/tables/title_ratings/history?key=tt0000001",
    );
    expect(versions.versions.slice(-3).map((v) => [v.validFromRun, v.row?.averageRating, v.row?.numVotes])).toEqual(
      ratings.map(([rating, votes], i) => [runs[i], rating, votes]),
    );
    const asOfFirst = await api<{ row: Record<string, string> | null }>(
      `/api/tables/title_ratings/history?key=tt0000001&afterRun=${runs[0]}`,
    );
    expect(asOfFirst.row).toEqual({ tconst: "tt0000001", averageRating: "6.1", numVotes: "1600" });

    const { page, errors } = await openConsole(browser, "/titles/tt0000001");
    const chart = page.getByRole("figure", { name: "Rating and votes over time" });
    await chart.locator(".recharts-line").first().waitFor();
    await expect(chart.getAttribute("data-points")).resolves.toBe(String(after.ratings.length));
    // One dot per point on each of the two lines (rating and votes).
    await expect(chart.locator(".recharts-line-dots circle, .recharts-line-dot").count()).resolves.toBe(
      2 * after.ratings.length,
    );
    await expect(chart.locator("svg text").allTextContents()).resolves.toEqual(
      expect.arrayContaining(runs.map((r) => `#${r}`)),
    );
    const history = page.getByRole("region", { name: "Changes of this title" }).locator("tbody tr");
    const newest = history.first();
    await expect(newest.locator("td").first().textContent()).resolves.toBe(`#${runs[2]}`);
    await expect(newest.locator('li[data-column="averageRating"]').textContent()).resolves.toBe(
      "averageRating: 7.4 → 8.2",
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
