/**
 * The engine's V8 heap, kept small in two ways.
 *
 * The young generation: by default V8 grows its semi-spaces to 16 MB each on a machine with this much memory
 * (a 48 MB young generation), and a sync allocates fast enough to fill them: 4 MB semi-spaces take about
 * 40 MB off a sync's peak in the same time (docs/benchmark.md, "Figures behind the engine's settings"). The CLI
 * takes the flag on its command line (package.json's `etl` script, the bench), the console's sync worker the
 * same limit as a resource limit.
 *
 * The old generation: V8 lets it grow to up to 4× what survived the last full collection before it collects
 * again, and the buffers that garbage still points to (inflated chunks, LOAD DATA packets) are freed only then.
 * With the engine's small live heap that let dead buffers pile up to about its own size again; growing by 100 %
 * bounds them, and growing by 50 % saved little more memory for four times the full collections (figures in
 * docs/benchmark.md). The flag is
 * set at run time (it is read at each collection), so the CLI and the console's worker share it; in the
 * console's process it applies to the web server too.
 *
 * glibc's malloc gives each thread that allocates an arena of its own (up to 8 per core), and the memory freed
 * in one stays with that arena: V8's worker threads (garbage collection, compiling) and libuv's (inflating,
 * file reads) each kept some. Two arenas in all (MALLOC_ARENA_MAX, read when the process starts, so it is set
 * in the environment of the process that runs the engine: `npm run etl`, the bench, the console's server and
 * the container image): a few MB off the peak, its CPU time no higher (docs/benchmark.md).
 *
 * The CLI's bundle is built pure ASCII (--minify-whitespace drops the comments; one "…" in a comment made V8
 * hold the whole source as a two-byte string, 3 MB more of live heap).
 */
import v8 from "node:v8";

export const semiSpaceMb = 4;

/** How far the old generation may grow past what survived the last full collection, in percent. */
export const heapGrowingPercent = 100;

/** Node.js flags for a process that runs the engine. */
export const engineNodeFlags = [`--max-semi-space-size=${semiSpaceMb}`];

/** Environment for a process that runs the engine (see above; glibc only, ignored elsewhere). */
export const engineEnv = { MALLOC_ARENA_MAX: "2" };

/** A worker thread's young generation is three semi-spaces (two plus the large-object space beside them). */
export const engineWorkerLimits = { maxYoungGenerationSizeMb: 3 * semiSpaceMb };

/** Bounds the old generation's growth (above) for this process; called where the engine starts. */
export function limitHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
}
