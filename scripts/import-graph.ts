/**
 * `npm run -s arch`: the imports between the project's top folders, read with the TypeScript compiler's own
 * pre-processor, and every import that points up the layers of docs/architecture.md. Exits 1 when one does.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** Layers from the top down: a file may import its own folder or any layer below its own, never above or beside. */
export const layers: string[][] = [
  ["scripts"], // entry points: npm start, etl, schedule, db, bench, …
  ["app"], // pages, route handlers, the proxy
  ["components"], // client widgets
  ["lib/api"], // the HTTP contract and the one shape of a route handler
  ["lib/auth"], // sessions and the guard
  ["lib/queries", "lib/runs"], // read models; run control
  ["lib/etl"], // the engine
  ["lib/notify", "lib/quality"], // notifications: webhooks for run ends, staleness and schedule failures; the data-quality checks
  ["lib/run-record"], // the record of a run: its states, guarded transitions, counters, the run summary
  ["lib/catalog"], // the IMDb files: tables, columns, keys, and the line a row reads back as
  ["lib/db"], // pool, migrations, the private server
  ["db"], // schema and migrations
  ["lib/core"], // env, log: leaves anyone may use
];

const sourceRoots = ["app", "components", "lib", "db", "scripts", "proxy.ts", "instrumentation.ts"];

/** The folder a file belongs to, as named in `layers`. */
export function groupOf(file: string): string | undefined {
  const f = file.split(path.sep).join("/");
  if (f === "proxy.ts" || f === "instrumentation.ts" || f.startsWith("app/")) return "app";
  for (const group of layers.flat()) {
    if (f.startsWith(`${group}/`)) return group;
  }
  // Files directly in lib/ (env.ts, log.ts) are the leaves.
  return /^lib\/[^/]+\.tsx?$/.test(f) ? "lib/core" : undefined;
}

function rank(group: string): number {
  return layers.findIndex((layer) => layer.includes(group));
}

/** An import from one folder to another that is not below it (up, or sideways within a layer). */
export function pointsUp(from: string, to: string): boolean {
  return from !== to && rank(to) <= rank(from);
}

/**
 * Imports that point down but skip a layer that owns what they need: reads and the HTTP contract go through the
 * run record and the catalogue, never into the engine.
 */
export const forbiddenEdges: [string, string][] = [
  ["lib/queries", "lib/etl"],
  ["lib/api", "lib/etl"],
];

export function isForbidden(from: string, to: string): boolean {
  return pointsUp(from, to) || forbiddenEdges.some(([a, b]) => a === from && b === to);
}

/** Pages and route handlers read through lib/queries and lib/runs: they never take the pool (getDb, getPool). */
export function opensPool(group: string, source: string): boolean {
  return group === "app" && /\b(getDb|getPool)\b/.test(source);
}

export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const entry of readdirSync(abs)) walk(path.join(rel, entry));
    } else if (/\.(ts|tsx)$/.test(rel) && !rel.endsWith(".d.ts")) {
      out.push(rel);
    }
  };
  for (const r of sourceRoots) walk(r);
  return out;
}

function resolveImport(root: string, from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith("@/")) base = specifier.slice(2);
  else if (specifier.startsWith(".")) base = path.join(path.dirname(from), specifier);
  else return undefined;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    const abs = path.join(root, candidate);
    if (existsSync(abs) && statSync(abs).isFile()) return path.normalize(candidate);
  }
  return undefined;
}

export interface ImportGraph {
  /** "from → to" between groups, with how many imports make it. */
  edges: Map<string, number>;
  /** Imports that point up or sideways: "file → imported file (group → group)". */
  violations: string[];
}

export function importGraph(root: string): ImportGraph {
  const edges = new Map<string, number>();
  const violations: string[] = [];
  for (const file of sourceFiles(root)) {
    const from = groupOf(file);
    if (!from) continue;
    const source = readFileSync(path.join(root, file), "utf8");
    if (opensPool(from, source))
      violations.push(`${file}: takes the pool (getDb/getPool); read through lib/queries or lib/runs`);
    const info = ts.preProcessFile(source, true, true);
    for (const imported of info.importedFiles) {
      const target = resolveImport(root, file, imported.fileName);
      const to = target && groupOf(target);
      if (!to || to === from) continue;
      const edge = `${from} → ${to}`;
      edges.set(edge, (edges.get(edge) ?? 0) + 1);
      if (isForbidden(from, to)) violations.push(`${file} → ${target} (${edge})`);
    }
  }
  return { edges, violations };
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const { edges, violations } = importGraph(process.cwd());
  const sorted = [...edges.entries()].sort(([a], [b]) => a.localeCompare(b));
  console.log(sorted.map(([edge, n]) => `${edge}  (${n})`).join("\n"));
  if (violations.length > 0) {
    console.log(`\n${violations.length} imports break the layers:\n${violations.join("\n")}`);
    process.exitCode = 1;
  } else {
    console.log("\nno import points up");
  }
}
