/**
 * scripts/etl-build.mjs (`npm run etl` calls it before every run): it bundles only when an input of the last
 * bundle changed. Built here from a small entry of its own in a temp folder, run as `npm run etl` runs it.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "etl-build-"));
const entry = path.join(dir, "entry.ts");
const imported = path.join(dir, "word.ts");
const outfile = path.join(dir, "out", "cli.mjs");
const build = () => execFileSync(process.execPath, ["scripts/etl-build.mjs", entry, outfile], { encoding: "utf8" });
const bundle = () => readFileSync(outfile, "utf8");
/** A line added to the bundle by hand: it stays as long as no build writes the bundle again. */
const marker = "// not rebuilt\n";

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the command line's build (scripts/etl-build.mjs)", () => {
  it("bundles, then leaves the bundle alone while no input changed, and bundles again when an imported file did", () => {
    writeFileSync(imported, 'export const word: string = "first";\n');
    writeFileSync(entry, 'import { word } from "./word";\nconsole.log(word);\n');
    build();
    expect(bundle()).toContain('"first"');
    expect(bundle()).toContain("createRequire(import.meta.url)");
    const stamp = JSON.parse(readFileSync(`${outfile}.inputs.json`, "utf8")) as { inputs: Record<string, unknown> };
    expect(Object.keys(stamp.inputs).map((f) => path.basename(f))).toEqual(["word.ts", "entry.ts"]);

    appendFileSync(outfile, marker);
    build();
    expect(bundle()).toContain(marker);

    writeFileSync(imported, 'export const word: string = "second";\n');
    build();
    expect(bundle()).toContain('"second"');
    expect(bundle()).not.toContain(marker);
  });

  it("bundles again when an input's mtime alone changed (a checkout of other content of the same size)", () => {
    build();
    appendFileSync(outfile, marker);
    const earlier = new Date(Date.now() - 60_000);
    utimesSync(imported, earlier, earlier);
    build();
    expect(bundle()).not.toContain(marker);
    appendFileSync(outfile, marker);
    build();
    expect(bundle()).toContain(marker);
  });

  it("bundles again when the bundle or its stamp is missing", () => {
    build();
    rmSync(`${outfile}.inputs.json`);
    appendFileSync(outfile, marker);
    build();
    expect(bundle()).not.toContain(marker);
    rmSync(outfile);
    build();
    expect(bundle()).toContain('"second"');
  });
});
