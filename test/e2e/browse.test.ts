import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { ensureSampleLoaded, openConsole } from "./console-page";

/** The text of one column (1-based) of the titles table. */
async function column(page: Page, genre: string, index: number): Promise<string[]> {
  const cells = page.getByRole("region", { name: `Titles in ${genre}` }).locator(`tbody tr td:nth-child(${index})`);
  return (await cells.allTextContents()).map((t) => t.trim());
}

const number = (text: string) => Number(text.replaceAll(",", ""));

describe("browsing the loaded data in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    await ensureSampleLoaded();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("lists genres with counts, and filters and sorts a genre's titles", async () => {
    const { page, errors } = await openConsole(browser, "/genres");
    const genres = page.getByRole("region", { name: "Genres" });
    const drama = genres.locator("tbody tr", { has: page.getByRole("link", { name: "Drama", exact: true }) });
    expect(number((await drama.locator("td").nth(1).textContent()) ?? "")).toBeGreaterThan(0);
    await expect(page.getByRole("figure", { name: "Titles per genre" }).count()).resolves.toBe(1);

    await drama.getByRole("link", { name: "Drama" }).click();
    await page.getByRole("heading", { level: 1, name: "Drama" }).waitFor();
    expect((await column(page, "Drama", 1)).length).toBeGreaterThan(0);

    await page.getByLabel("Title type").selectOption("short");
    await page.getByLabel("Minimum votes").fill("10");
    await page.getByLabel("Sort by").selectOption("votes");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/type=short/);
    const types = await column(page, "Drama", 2);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(["short"]));
    const votes = (await column(page, "Drama", 5)).map(number);
    expect(votes.every((v) => v >= 10)).toBe(true);
    expect(votes).toEqual([...votes].sort((a, b) => b - a));

    await page.getByLabel("Minimum votes").fill("");
    await page.getByLabel("From year").fill("1900");
    await page.getByLabel("To year").fill("1910");
    await page.getByLabel("Sort by").selectOption("year");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/sort=year/);
    const years = (await column(page, "Drama", 3)).map(Number);
    expect(years.length).toBeGreaterThan(0);
    expect(years.every((y) => y >= 1900 && y <= 1910)).toBe(true);
    expect(years).toEqual([...years].sort((a, b) => b - a));
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens a title page with its rating, genres and principals by name", async () => {
    const { page, errors } = await openConsole(browser, "/titles/tt0000247");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("King John");
    await expect(page.getByText("5.0 / 10 (345 votes)").count()).resolves.toBe(1);
    await expect(page.getByRole("link", { name: "Drama" }).count()).resolves.toBeGreaterThan(0);
    const principals = page.getByRole("region", { name: "Principals" });
    await principals.getByRole("link", { name: "William Shakespeare" }).click();
    await page.getByRole("heading", { level: 1, name: "William Shakespeare" }).waitFor();
    await expect(
      page.getByRole("region", { name: "Credits" }).getByRole("link", { name: "King John" }).count(),
    ).resolves.toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("searches titles and people by name from the top bar", async () => {
    const { page, errors } = await openConsole(browser, "/");
    await page.getByLabel("Search titles, people and characters").fill("Carmencita");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/search\?q=Carmencita/);
    const titles = page.getByRole("region", { name: "Matching titles" });
    await expect(titles.getByRole("link", { name: "Carmencita" }).count()).resolves.toBe(1);
    await page.goto(`${inject("baseUrl")}/search?q=tt0000001`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Carmencita");
    expect(errors).toEqual([]);
    await page.close();
  });
});
