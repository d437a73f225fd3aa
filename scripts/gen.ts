/**
 * Synthetic IMDb data for the benchmark and tests.
 *   npm run gen -- --scale 0.01 --out bench-data/x            the seven .tsv.gz files at 0.01× the real row counts
 *   npm run gen -- mutate --in DIR --out DIR2 --share 0.01    the next snapshot, 1 % of every file changed uniformly,
 *                                                             with DIR2/expected.json
 *   npm run gen -- mutate --in DIR --out DIR2 --profile day   the next day's snapshot as estimated in scripts/bench/mutate.ts
 *                                                             (dayProfile: ~35 % of ratings with new vote counts, …)
 */
import { parseArgs } from "node:util";
import { generateDataset } from "./bench/generate";
import { mutateDataset, type ProfileName, profileNames } from "./bench/mutate";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scale: { type: "string" },
    out: { type: "string" },
    in: { type: "string" },
    share: { type: "string", default: "0.01" },
    profile: { type: "string", default: "uniform" },
    seed: { type: "string", default: "1" },
  },
});

const usage =
  "usage: npm run gen -- --scale S --out DIR [--seed N]\n" +
  "       npm run gen -- mutate --in DIR --out DIR2 [--profile uniform|day] [--share 0.01] [--seed N]";

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

const seed = Number(values.seed);
if (!Number.isInteger(seed)) fail("--seed must be an integer");
if (!values.out) fail("--out is required");
const started = performance.now();

if (positionals[0] === "mutate") {
  if (!values.in) fail("--in is required");
  const share = Number(values.share);
  if (!(share > 0 && share < 1)) fail("--share must be between 0 and 1");
  const profile = values.profile as ProfileName;
  if (!profileNames.includes(profile)) fail(`--profile must be one of ${profileNames.join(", ")}`);
  const expected = await mutateDataset({ input: values.in, out: values.out, share, profile, seed });
  for (const [table, c] of Object.entries(expected)) {
    console.log(
      `${table.padEnd(17)} ${String(c.rows).padStart(11)} rows  +${c.inserted} ~${c.updated} -${c.deleted} =${c.unchanged}`,
    );
  }
} else if (positionals.length === 0) {
  const scale = Number(values.scale);
  if (!(scale > 0)) fail("--scale must be a positive number");
  await generateDataset({
    scale,
    out: values.out,
    seed,
    onFile: (table, rows, seconds) =>
      console.log(`${table.padEnd(17)} ${String(rows).padStart(11)} rows  ${seconds.toFixed(1)} s`),
  });
} else {
  fail(`unknown command ${positionals[0]}`);
}
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
