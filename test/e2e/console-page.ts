/** Shared steps for the browser tests: a page that records console errors, and waiting on runs. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { inject } from "vitest";
import { datasets, tableNames } from "../../lib/catalog/datasets";

export interface ConsolePage {
  page: Page;
  errors: string[];
}

/**
 * A new page whose JS console errors and uncaught exceptions are collected in `errors`; `base` is another
 * console instance than the global one.
 */
export async function openConsole(browser: Browser, path = "/", base = inject("baseUrl")): Promise<ConsolePage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(new URL(path, base).toString());
  return { page, errors };
}

/** Data lines per table in the bundled sample (what a sync of it must read). */
export function sampleLineCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const table of tableNames) {
    const text = gunzipSync(readFileSync(path.resolve("data/sample", datasets[table].file))).toString("utf8");
    counts[table] = text.split("\n").filter((line) => line.length > 0).length - 1;
  }
  return counts;
}

interface ApiRun {
  id: number;
  status: string;
}

/** Waits until the run is over and returns its final status. */
export async function waitForRun(id: number, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const run = (await (await fetch(`${inject("baseUrl")}/api/runs/${id}`)).json()) as ApiRun;
    if (["succeeded", "failed", "cancelled"].includes(run.status)) return run.status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`run #${id} did not finish within ${timeoutMs} ms`);
}

/** Makes sure the sample is loaded (through the API), waiting out any run that is going on. */
export async function ensureSampleLoaded(): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const response = await fetch(`${inject("baseUrl")}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "incremental", source: "sample" }),
    });
    const body = (await response.json()) as { id?: number; details?: { runId?: number } };
    if (response.status === 202 && body.id) {
      if ((await waitForRun(body.id)) === "succeeded") return;
    } else if (response.status === 409 && body.details?.runId) await waitForRun(body.details.runId);
    else throw new Error(`POST /api/runs answered ${response.status}`);
  }
  throw new Error("could not load the sample");
}
