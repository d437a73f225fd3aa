import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { engineNodeFlags, engineWorkerLimits, semiSpaceMb } from "../../lib/etl/engine-memory";

describe("the engine's young generation", () => {
  it("is the same for `npm run etl` as for the bench and the console's worker", () => {
    const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;
    for (const flag of engineNodeFlags) expect(scripts.etl).toContain(`node ${flag} .cache/etl-cli.mjs`);
    expect(engineWorkerLimits.maxYoungGenerationSizeMb).toBe(3 * semiSpaceMb);
  });
});
