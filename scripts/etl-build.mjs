/**
 * `npm run etl:build [-- ENTRY OUTFILE]`: bundles the command line (scripts/etl.ts) into .cache/etl-cli.mjs with
 * esbuild, only when it is out of date. Every build writes beside the bundle a stamp (OUTFILE.inputs.json): the
 * build options, esbuild's version, the installed packages (node_modules/.package-lock.json) and the size and mtime
 * of every input file esbuild's metafile lists. A call whose stamp still matches does not load esbuild at all
 * (`npm run etl` calls it before every run: a build costs 1–1.8 s, a check a few milliseconds).
 * Plain JavaScript, so that node runs it without tsx (whose start alone costs more than the check).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";

const [entry = "scripts/etl.ts", outfile = ".cache/etl-cli.mjs"] = process.argv.slice(2);
const stampFile = `${outfile}.inputs.json`;

const options = {
  entryPoints: [entry],
  bundle: true,
  platform: "node",
  format: "esm",
  minifyWhitespace: true,
  outfile,
  logLevel: "warning",
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  metafile: true,
};

/** Size and mtime of a file, or null when it is missing. */
function fileState(file) {
  try {
    const s = statSync(file);
    return [s.size, s.mtimeMs];
  } catch {
    return null;
  }
}

/** What besides the inputs decides the bundle: the options, esbuild's version and the installed packages. */
function buildKey() {
  const esbuildPackage = JSON.parse(readFileSync("node_modules/esbuild/package.json", "utf8"));
  return JSON.stringify({
    options,
    esbuild: esbuildPackage.version,
    packages: fileState("node_modules/.package-lock.json"),
  });
}

function upToDate(key) {
  if (!existsSync(outfile) || !existsSync(stampFile)) return false;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, "utf8"));
  } catch {
    return false;
  }
  if (stamp.key !== key || typeof stamp.inputs !== "object" || stamp.inputs === null) return false;
  for (const [file, state] of Object.entries(stamp.inputs)) {
    const now = fileState(file);
    if (!now || now[0] !== state[0] || now[1] !== state[1]) return false;
  }
  return Object.keys(stamp.inputs).length > 0;
}

const key = buildKey();
if (!upToDate(key)) {
  const started = Date.now();
  const { build } = await import("esbuild");
  const result = await build(options);
  const inputs = {};
  let editedDuringBuild = false;
  for (const file of Object.keys(result.metafile.inputs)) {
    const state = fileState(file);
    if (!state) continue; // a virtual input of a plugin (none today)
    inputs[file] = state;
    // A file saved while esbuild read it may be bundled as it was: leave the stamp out, the next call builds again.
    if (state[1] >= started) editedDuringBuild = true;
  }
  writeFileSync(stampFile, JSON.stringify(editedDuringBuild ? { key, inputs: {} } : { key, inputs }));
}
