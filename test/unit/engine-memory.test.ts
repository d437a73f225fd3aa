import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { engineEnv, engineNodeFlags, engineWorkerLimits, semiSpaceMb } from "../../lib/etl/engine-memory";
import { buildEngine } from "../../scripts/bench/sync";

describe("the engine's young generation", () => {
  it("is the same for `npm run etl` as for the bench and the console's worker", () => {
    const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;
    for (const flag of engineNodeFlags) expect(scripts.etl).toContain(`node ${flag} .cache/etl-cli.mjs`);
    for (const [name, value] of Object.entries(engineEnv)) expect(scripts.etl).toContain(`${name}=${value} node `);
    expect(engineWorkerLimits.maxYoungGenerationSizeMb).toBe(3 * semiSpaceMb);
  });
});

describe("the command line's bundle", () => {
  it("is pure ASCII, so that V8 holds its source (2.4 MB) as one byte per character, not two", () => {
    buildEngine();
    const bundle = readFileSync(".cache/etl-cli.mjs");
    const first = bundle.findIndex((byte) => byte > 0x7f);
    const context = first < 0 ? "" : bundle.subarray(Math.max(0, first - 60), first + 20).toString();
    expect(context, "a byte over 0x7F in .cache/etl-cli.mjs").toBe("");
    expect(bundle.length).toBeGreaterThan(1_000_000);
  }, 60_000); // esbuild bundles in about a second alone, several on a loaded machine
});
