/** The real IMDb rows of two dates under test/fixtures/imdb (plain .tsv files), read as the engine's file names. */
import { readFileSync } from "node:fs";
import path from "node:path";

const fixtures = path.resolve("test/fixtures/imdb");
export const older = path.join(fixtures, "2018-12");
export const newer = path.join(fixtures, "2021-01");

/** The text of `file` (a dataset's `.tsv.gz` name) in one of the two folders. */
export const text = (dir: string, file: string) => readFileSync(path.join(dir, file.replace(/\.gz$/, "")), "utf8");
