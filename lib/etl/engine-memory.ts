/**
 * The engine's V8 young generation, kept small. By default V8 grows its semi-spaces to 16 MB each on a machine
 * with this much memory (a 48 MB young generation), and a sync allocates fast enough to fill them: measured on
 * a 1 % run at 0.1×, peak RSS 147–149 MB with the default, 108–111 MB with 4 MB semi-spaces, in the same time.
 * The CLI takes the flag on its command line (package.json's `etl` script, the bench), the console's sync
 * worker the same limit as a resource limit.
 */
export const semiSpaceMb = 4;

/** Node.js flags for a process that runs the engine. */
export const engineNodeFlags = [`--max-semi-space-size=${semiSpaceMb}`];

/** A worker thread's young generation is three semi-spaces (two plus the large-object space beside them). */
export const engineWorkerLimits = { maxYoungGenerationSizeMb: 3 * semiSpaceMb };
