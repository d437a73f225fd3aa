import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { openConsole } from "./console-page";

describe("home page in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the console title and every IMDb table without console errors", async () => {
    const { page, errors } = await openConsole(browser, "/");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("IMDb Sync Console");
    const tables = page.getByRole("region", { name: "Tables" });
    for (const table of ["name_basics", "title_basics", "title_principals", "title_ratings"]) {
      expect(await tables.getByText(table, { exact: true }).count()).toBe(1);
    }
    // Whether IMDb has newer files is asked after the page loads; offline (as here) each file says why it is unknown.
    const freshness = page.locator("[data-freshness]");
    await freshness.first().waitFor({ timeout: 20_000 });
    expect(await freshness.count()).toBe(7);
    for (const text of await freshness.allTextContents()) {
      expect(text).toMatch(/newer file available|no newer file|unknown: IMDb (answered|could not be reached)/);
    }
    expect(errors).toEqual([]);
  });

  it("can be used from the keyboard: skip link first, then the navigation", async () => {
    const { page, errors } = await openConsole(browser, "/");
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Skip to content");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("IMDb Sync Console");
    for (let i = 0; i < 4; i++) await page.keyboard.press("Tab");
    expect(await focused()).toBe("Genres");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Genres" }).waitFor();
    expect(errors).toEqual([]);
  });
});
