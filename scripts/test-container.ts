/**
 * `npm run test:container`: the Dockerfile and compose.yaml, checked end to end with podman (Debian's, as on the
 * test machine, where no registry image can be pulled and no systemd runs health checks on a timer):
 *
 * 1. the base images that the Dockerfile and compose.yaml name, built from Debian packages when they are missing
 *    (test/container/base-images.sh), then `podman build` of the Dockerfile;
 * 2. the image refuses to start without ADMIN_PASSWORD or ADMIN_TOKEN;
 * 3. compose.yaml's two services as podman containers on a network of their own (service names resolve, as with
 *    compose), the console started once the database's health check passes (`depends_on`), both health checks
 *    run by this script;
 * 4. over HTTP as a user would: log in, a first build of the bundled sample through the API, its row counts;
 * 5. both containers removed and created again on the same volumes (compose down / up): the run history, the
 *    rows and the session are still there, and an incremental sync writes nothing.
 *
 * Containers, network and volumes are removed at the end, also on failure; the images stay for the next run.
 */

import { type SpawnSyncOptions, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import type { RunSnapshot } from "../lib/api/contract";
import { engineNodeFlags } from "../lib/etl/engine-memory";
import { freePort } from "../lib/free-port";

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition?: string }>;
}
interface Compose {
  name: string;
  services: Record<string, ComposeService>;
}

const wallClock = performance.now();
const seconds = (since: number) => (performance.now() - since) / 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const step = (message: string) => console.log(`[${seconds(wallClock).toFixed(0).padStart(4)} s] ${message}`);

if (spawnSync("podman", ["--version"]).status !== 0) {
  console.error("test:container needs podman (Debian: apt-get install podman runc debootstrap).");
  process.exit(1);
}

// --- What to run: compose.yaml's services, with ${VAR:-default} filled from this test's settings only. ---
const prefix = `imdb-sync-test-${process.pid}`;
const consolePort = await freePort();
const adminPassword = `test-${crypto.randomUUID()}`;
const settings: Record<string, string> = {
  ADMIN_PASSWORD: adminPassword,
  DB_PASSWORD: crypto.randomUUID().replaceAll("-", ""),
  CONSOLE_PORT: String(consolePort),
  DB_BUFFER_POOL_SIZE: "256M",
};
/** Fills every string of the parsed file, as compose does (after parsing: `KEY: ${UNSET:-}` is "", not null). */
function fill(value: unknown): unknown {
  if (typeof value === "string") {
    return value.replace(
      /\$\{(\w+)(?::-([^}]*))?\}/g,
      (_, name: string, fallback?: string) => settings[name] || fallback || "",
    );
  }
  if (Array.isArray(value)) return value.map(fill);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
  return value;
}
const compose = fill(parse(readFileSync("compose.yaml", "utf8"))) as Compose;
const db = compose.services.db;
const consoleService = compose.services.console;
if (!db?.image || !consoleService?.build)
  throw new Error("compose.yaml: expected services db (image) and console (build)");
if (consoleService.depends_on?.db?.condition !== "service_healthy") {
  throw new Error("compose.yaml: the console should wait for a healthy db, as this test does");
}
const consoleImage = consoleService.image ?? `${compose.name}-console`;
const nodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(readFileSync("Dockerfile", "utf8"))?.[1];
if (!nodeImage) throw new Error("Dockerfile: expected ARG NODE_IMAGE=<image>");

// The sandbox refuses to raise RLIMIT_NOFILE (podman's default ulimits) and has Debian's runc, not crun.
const work = mkdtempSync(path.join(tmpdir(), "imdb-sync-container-"));
const containersConf = path.join(work, "containers.conf");
writeFileSync(containersConf, '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n');
const podmanEnv = { ...process.env, CONTAINERS_CONF: containersConf };

function run(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, env: podmanEnv, ...options });
  return { status: result.status, stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? "") };
}

/** podman, failing with its error output unless `allowFail`. */
function podman(args: string[], allowFail = false) {
  const result = run("podman", args);
  if (result.status !== 0 && !allowFail) {
    throw new Error(`podman ${args.slice(0, 2).join(" ")} … failed (${result.status}):\n${result.stderr.trim()}`);
  }
  return result;
}

const containerName = (service: string) => `${prefix}-${service}`;

/** `podman run -d` of a compose service: its environment, named volumes, ports (loopback only), health check. */
function startService(service: string, spec: ComposeService, image: string) {
  const args = ["run", "-d", "--name", containerName(service), "--network", prefix, "--network-alias", service];
  // No systemd here to run health checks on a timer: waitHealthy runs them.
  args.push("--health-interval", "disable");
  for (const [name, value] of Object.entries(spec.environment ?? {})) args.push("-e", `${name}=${value}`);
  for (const volume of spec.volumes ?? []) {
    const [source, target] = volume.split(":");
    args.push("-v", `${prefix}-${source}:${target}`);
  }
  for (const port of spec.ports ?? []) args.push("-p", `127.0.0.1:${port}`);
  if (spec.healthcheck) {
    // podman 4.3 takes the command as one string (run by /bin/sh), not compose's ["CMD", …] array.
    const [kind, ...command] = spec.healthcheck.test;
    if (kind !== "CMD-SHELL" && command.some((arg) => /\s/.test(arg)))
      throw new Error("health check: no spaces in args");
    args.push("--health-cmd", command.join(" "));
  }
  podman([...args, image, ...(spec.command ?? [])]);
}

/** Runs the container's health check until it passes; fails with the container's log if it stops or times out. */
async function waitHealthy(service: string, timeoutMs = 180_000): Promise<void> {
  const name = containerName(service);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (podman(["healthcheck", "run", name], true).status === 0) return;
    if (podman(["inspect", "--format", "{{.State.Running}}", name]).stdout.trim() !== "true") break;
    await sleep(250);
  }
  const logs = podman(["logs", "--tail", "40", name], true);
  throw new Error(`${service} did not become healthy:\n${logs.stdout}${logs.stderr}`);
}

/** compose up: the database, then the console once the database is healthy. Seconds until each was healthy. */
async function up(): Promise<string> {
  const started = performance.now();
  startService("db", db as ComposeService, db?.image as string);
  await waitHealthy("db");
  const dbSeconds = seconds(started);
  const consoleStarted = performance.now();
  startService("console", consoleService as ComposeService, consoleImage);
  await waitHealthy("console");
  return `${seconds(started).toFixed(1)} s (db ${dbSeconds.toFixed(1)} s, then console ${seconds(consoleStarted).toFixed(1)} s)`;
}

/** compose down without -v: containers go, the named volumes stay. Returns the console's stop time. */
function down(): number {
  const started = performance.now();
  podman(["stop", "-t", "10", containerName("console")], true);
  const consoleStop = seconds(started);
  podman(["stop", "-t", "10", containerName("db")], true);
  removeContainers();
  return consoleStop;
}

/** One at a time: podman 4.3's `rm -f a b` removes nothing when one of them does not exist. */
function removeContainers() {
  for (const service of ["console", "db"]) podman(["rm", "-f", "-t", "0", containerName(service)], true);
}

function cleanUp() {
  removeContainers();
  podman(["network", "rm", "-f", prefix], true);
  for (const volume of ["db-data", "console-data"]) podman(["volume", "rm", "-f", `${prefix}-${volume}`], true);
  rmSync(work, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

// --- HTTP, as a browser or script would use the console. ---
const baseUrl = `http://127.0.0.1:${consolePort}`;
let cookie = "";

async function http(pathname: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (cookie) headers.set("cookie", cookie);
  if (init.body) headers.set("content-type", "application/json");
  return fetch(`${baseUrl}${pathname}`, { ...init, headers });
}

async function json<T>(pathname: string, expectedStatus = 200, init: RequestInit = {}): Promise<T> {
  const response = await http(pathname, init);
  const text = await response.text();
  if (response.status !== expectedStatus) {
    throw new Error(`${init.method ?? "GET"} ${pathname}: ${response.status} (expected ${expectedStatus}) ${text}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

async function startRun(mode: "first-run" | "incremental"): Promise<RunSnapshot> {
  const { id } = await json<{ id: number }>("/api/runs", 202, {
    method: "POST",
    body: JSON.stringify({ mode, source: "sample" }),
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const run = await json<RunSnapshot>(`/api/runs/${id}`);
    if (!["queued", "running"].includes(run.status)) {
      if (run.status !== "succeeded") throw new Error(`run ${id} ${run.status}: ${run.error ?? ""}`);
      return run;
    }
    await sleep(500);
  }
  throw new Error(`run ${id} did not finish in time`);
}

function check(condition: boolean, message: string) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** Rows per table in the bundled sample (lines after the header), and the first title's key and name. */
function sampleFacts() {
  const rows = new Map<string, number>();
  let firstTitle: [string, string] = ["", ""];
  for (const file of readdirSync("data/sample")) {
    const text = gunzipSync(readFileSync(path.join("data/sample", file))).toString("utf8");
    const lines = text.split("\n").filter((line) => line.length > 0);
    rows.set(file.replace(".tsv.gz", "").replace(".", "_"), lines.length - 1);
    if (file === "title.basics.tsv.gz") {
      const fields = lines[1]?.split("\t") ?? [];
      firstTitle = [fields[0] ?? "", fields[2] ?? ""];
    }
  }
  return { rows, firstTitle };
}

const htmlEscape = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#x27;");

/** What the test measured, printed at the end. */
const report: [string, string][] = [];

/** podman build of the Dockerfile, with npm's registry and CA as build argument and secret; output to build.log. */
function build() {
  step(`podman build -t ${consoleImage} . (log: ${work}/build.log)`);
  const started = performance.now();
  const previous = podman(["image", "inspect", "--format", "{{.Id}}", consoleImage], true).stdout.trim();
  const buildArgs = ["build", "--format", "docker", "--layers=false", "-t", consoleImage];
  buildArgs.push("--build-arg", `NPM_CONFIG_REGISTRY=${run("npm", ["config", "get", "registry"]).stdout.trim()}`);
  // The CA npm trusts here (a TLS-inspecting proxy's), as a build secret: used by npm ci, not stored in the image.
  const cafile = process.env.NODE_EXTRA_CA_CERTS || run("npm", ["config", "get", "cafile"]).stdout.trim();
  if (cafile && cafile !== "null" && cafile !== "undefined") buildArgs.push("--secret", `id=npm_ca,src=${cafile}`);
  const buildLog = path.join(work, "build.log");
  const built = run("podman", [...buildArgs, "."], {
    stdio: ["ignore", openSync(buildLog, "w"), openSync(buildLog, "a")],
  });
  if (built.status !== 0) {
    console.error(readFileSync(buildLog, "utf8").split("\n").slice(-40).join("\n"));
    throw new Error("podman build failed");
  }
  // The image this build replaced would stay behind untagged: remove it (unless something still uses it).
  if (previous && previous !== podman(["image", "inspect", "--format", "{{.Id}}", consoleImage]).stdout.trim()) {
    podman(["rmi", previous], true);
  }
  report.push(["podman build (no cache: npm ci, next build)", `${seconds(started).toFixed(0)} s`]);
}

// --- The test. ---
try {
  step(`base images ${nodeImage} and ${db.image} (built from Debian packages if missing)`);
  const base = run("test/container/base-images.sh", [nodeImage, db.image], { stdio: "inherit" });
  if (base.status !== 0) throw new Error("building the base images failed");

  // --no-build: the image of the last run, when working on this test rather than on the image.
  if (process.argv.includes("--no-build")) step(`using the existing ${consoleImage} (--no-build)`);
  else build();
  const imageBytes = Number(podman(["image", "inspect", "--format", "{{.Size}}", consoleImage]).stdout.trim());
  const baseBytes = Number(podman(["image", "inspect", "--format", "{{.Size}}", nodeImage]).stdout.trim());
  report.push([
    "image size",
    `${(imageBytes / 1e6).toFixed(0)} MB (of which the base image ${(baseBytes / 1e6).toFixed(0)} MB)`,
  ]);

  step("the image refuses to start without ADMIN_PASSWORD or ADMIN_TOKEN");
  const refused = podman(
    ["run", "--rm", "--network", "none", "-e", "ADMIN_PASSWORD=", "-e", "ADMIN_TOKEN=", consoleImage],
    true,
  );
  check(
    refused.status === 2 && /ADMIN_PASSWORD/.test(refused.stderr),
    `refusal: exit ${refused.status}, ${refused.stderr}`,
  );

  step("compose up: db, then console once db is healthy");
  podman(["network", "create", prefix]);
  const firstUp = await up();
  report.push(["up → healthy, first start (database initialised, migrated)", firstUp]);

  const uid = podman(["exec", containerName("console"), "id", "-u"]).stdout.trim();
  check(uid !== "0", "the console runs as a user other than root");

  step("log in over HTTP; a first build of the bundled sample through the API");
  check((await http("/api/runs")).status === 401, "the API answers 401 without a session");
  const login = await http("/api/session", { method: "POST", body: JSON.stringify({ password: adminPassword }) });
  check(login.status === 204, `login: ${login.status}`);
  cookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
  const { rows, firstTitle } = sampleFacts();
  const firstBuild = await startRun("first-run");
  check(firstBuild.tables.length === rows.size, `${firstBuild.tables.length} tables synced, ${rows.size} expected`);
  for (const table of firstBuild.tables) {
    const expected = rows.get(table.table);
    check(table.read === expected, `${table.table}: read ${table.read}, the file has ${expected}`);
    check(table.inserted === (expected ?? 0) - table.duplicates, `${table.table}: inserted ${table.inserted}`);
    check(table.rejected === 0, `${table.table}: ${table.rejected} rejected`);
  }
  report.push(["first build of the sample (API)", `${[...rows.values()].reduce((a, b) => a + b, 0)} rows, exact`]);

  step("the engine's CLI inside the container");
  const cli = podman([
    "exec",
    containerName("console"),
    "node",
    ...engineNodeFlags,
    ".cache/etl-cli.mjs",
    "--mode",
    "incremental",
    "--source",
    "sample",
    "--json",
  ]);
  const cliSummary = JSON.parse(cli.stdout.trim().split("\n").at(-1) ?? "{}");
  check(cliSummary.status === "succeeded", `CLI run: ${cliSummary.status}`);
  report.push([
    "CLI in the container, incremental over the sample: peak RSS",
    `${(cliSummary.peakRssBytes / 1e6).toFixed(0)} MB`,
  ]);

  step("compose down, up again on the same volumes");
  const consoleStop = down();
  report.push(["console stop (SIGTERM)", `${consoleStop.toFixed(1)} s`]);
  const secondUp = await up();
  report.push(["up → healthy, again on the same volumes", secondUp]);

  step("the session, the run history and the rows are still there; an incremental sync writes nothing");
  const history = await json<{ runs: { id: number; status: string }[]; total: number }>("/api/runs");
  check(history.total === 2, `run history: ${history.total} runs, 2 expected`);
  const again = await json<RunSnapshot>(`/api/runs/${firstBuild.id}`);
  check(again.status === "succeeded", `run ${firstBuild.id} is ${again.status} after the restart`);
  for (const table of again.tables) {
    const before = firstBuild.tables.find((t) => t.table === table.table);
    check(table.inserted === before?.inserted, `${table.table}: inserted ${table.inserted} after the restart`);
  }
  const metrics = await (await http("/api/metrics")).text();
  for (const table of rows.keys()) {
    const estimate = Number(new RegExp(`imdb_table_rows_estimate\\{table="${table}"\\} (\\d+)`).exec(metrics)?.[1]);
    check(estimate > 0, `${table}: ${estimate} rows (the server's estimate) after the restart`);
  }
  const titlePage = await http(`/titles/${firstTitle[0]}`);
  check(titlePage.status === 200, `GET /titles/${firstTitle[0]}: ${titlePage.status}`);
  check((await titlePage.text()).includes(htmlEscape(firstTitle[1])), `the title page shows "${firstTitle[1]}"`);
  const incremental = await startRun("incremental");
  const written = incremental.tables.reduce((sum, t) => sum + t.inserted + t.updated + t.deleted, 0);
  check(written === 0, `the incremental sync after the restart wrote ${written} rows`);

  console.log("\ntest:container passed");
  report.push(["wall time", `${seconds(wallClock).toFixed(0)} s`]);
  for (const [what, value] of report) console.log(`  ${what.padEnd(62)} ${value}`);
} catch (error) {
  console.error(`\ntest:container FAILED: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  step("clean up: containers, network, volumes (the images stay)");
  cleanUp();
}
