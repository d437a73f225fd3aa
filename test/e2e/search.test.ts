/**
 * Search through the console: `GET /api/search` (its shape, and 200 or 400 with a message, never 500, for any
 * text), the search page with its three groups and filters, and the top bar's suggestions, in Chromium.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ApiErrorBody, SearchResponse } from "../../lib/api/contract";
import { launchBrowser } from "../helpers/browser";
import { ensureSampleLoaded, openConsole } from "./console-page";

const api = (query: string) => fetch(`${inject("baseUrl")}/api/search?${query}`);

describe("search in the console", () => {
  let browser: Browser;
  beforeAll(async () => {
    await ensureSampleLoaded();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("answers titles, people and characters in the documented shape", async () => {
    const response = await api("q=train&limit=5");
    expect(response.status).toBe(200);
    const body = (await response.json()) as SearchResponse;
    expect(Object.keys(body).sort()).toEqual(["characters", "people", "titles"]);
    expect(body.titles.length).toBeLessThanOrEqual(5);
    const arrival = body.titles.find((t) => t.tconst === "tt0000012");
    expect(arrival).toEqual({
      tconst: "tt0000012",
      primaryTitle: "The Arrival of a Train",
      originalTitle: "L'arrivée d'un train à La Ciotat",
      titleType: "short",
      startYear: 1896,
      averageRating: expect.any(String),
      numVotes: expect.any(Number),
      matched: null,
    });
    const bySpanishAka = (await (await api("q=spanyol%20tanc")).json()) as SearchResponse;
    expect(bySpanishAka.titles[0]).toMatchObject({ tconst: "tt0000001", matched: "Carmencita - spanyol tánc" });
    const herself = (await (await api("q=herself&limit=3")).json()) as SearchResponse;
    expect(herself.characters[0]).toMatchObject({ character: "Herself", nconst: expect.stringMatching(/^nm/) });
    const key = (await (await api("q=tt0000001")).json()) as SearchResponse;
    expect(key.titles.map((t) => t.tconst)).toEqual(["tt0000001"]);
  });

  it("answers any text with 200, or 400 and a message, never 500", async () => {
    const odd = [
      '+carmencita -"train"',
      "carmencita*",
      '"unterminated',
      "@3 ~x <y> (z)",
      "100%",
      "a_b",
      "'; DROP TABLE title_basics; --",
      "carmencita\\",
      "é".repeat(400),
      "x ".repeat(250),
    ];
    for (const q of odd) {
      const response = await api(`q=${encodeURIComponent(q)}`);
      expect(response.status, q).toBe(200);
      const body = (await response.json()) as SearchResponse;
      expect(Array.isArray(body.titles), q).toBe(true);
    }
    const bad: [string, RegExp][] = [
      ["", /q is required/],
      ["q=", /q is empty/],
      ["q=%20%20", /q is empty/],
      [`q=${"a".repeat(3000)}`, /too long/],
      ["q=%25%25%25", /no letter or digit/],
      ["q=___", /no letter or digit/],
      [`q=${encodeURIComponent("\\")}`, /no letter or digit/],
      ["q=train&limit=0", /limit/],
      ["q=train&limit=51", /limit/],
      ["q=train&limit=abc", /limit/],
      ["q=train&type=opera", /type/],
      ["q=train&minVotes=-1", /minVotes/],
    ];
    for (const [query, message] of bad) {
      const response = await api(query);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as ApiErrorBody;
      expect(body.code).toBe("BAD_REQUEST");
      expect(body.message, query).toMatch(message);
    }
    expect((await (await api("q=train")).json()).titles.length).toBeLessThanOrEqual(20);
  });

  it("shows the three groups with filters on the search page", async () => {
    const { page, errors } = await openConsole(browser, "/search?q=train");
    const titles = page.getByRole("region", { name: "Matching titles" });
    await expect(titles.getByRole("link", { name: "The Arrival of a Train" }).count()).resolves.toBe(1);
    await expect(page.getByRole("heading", { name: "People" }).count()).resolves.toBe(1);
    await expect(page.getByRole("heading", { name: "Characters" }).count()).resolves.toBe(1);

    await page.getByLabel("From year", { exact: true }).fill("1900");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/yearFrom=1900/);
    const years = (await titles.locator("tbody tr td:nth-child(3)").allTextContents()).map(Number);
    expect(years.length).toBeGreaterThan(0);
    expect(years.every((y) => y >= 1900)).toBe(true);
    await expect(titles.getByRole("link", { name: "The Arrival of a Train" }).count()).resolves.toBe(0);

    await page.goto(`${inject("baseUrl")}/search?q=tt0000001`);
    await page.waitForURL(/\/titles\/tt0000001/);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Carmencita");
    await page.goto(`${inject("baseUrl")}/search?q=${"a".repeat(600)}`);
    await expect(
      page
        .getByRole("alert")
        .filter({ hasText: /too long/ })
        .count(),
    ).resolves.toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("suggests as one types in the top bar, and opens a suggestion", async () => {
    const { page, errors } = await openConsole(browser, "/");
    const box = page.getByLabel("Search titles, people and characters");
    // "tra" still being typed: the search completes it ("train").
    await box.pressSequentially("arrival tra", { delay: 20 });
    const suggestions = page.getByRole("listbox", { name: "Suggestions" });
    const arrival = suggestions.getByRole("option", { name: /The Arrival of a Train/ });
    await arrival.waitFor();
    // An ARIA combobox: expanded while it suggests, the active option named by the input, selected in the list.
    const combobox = page.getByRole("combobox", { name: "Search titles, people and characters" });
    await expect(combobox.getAttribute("aria-expanded")).resolves.toBe("true");
    await box.press("ArrowDown");
    const activeId = await combobox.getAttribute("aria-activedescendant");
    expect(activeId).toBeTruthy();
    await expect(suggestions.locator(`[id="${activeId}"]`).getAttribute("aria-selected")).resolves.toBe("true");
    await expect(suggestions.locator(`[id="${activeId}"]`).textContent()).resolves.toMatch(/The Arrival of a Train/);
    await box.press("Enter");
    await page.waitForURL(/\/titles\/tt0000012/);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("The Arrival of a Train");

    await box.fill("carmencita");
    await box.press("Enter");
    await page.waitForURL(/\/search\?q=carmencita/);
    await expect(
      page.getByRole("region", { name: "Matching titles" }).getByRole("link", { name: "Carmencita" }).count(),
    ).resolves.toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
