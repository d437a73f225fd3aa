/** worker_threads entry for the web app: runs one queued run with the same pipeline as the CLI. */
import { parentPort, workerData } from "node:worker_threads";
import { closePools } from "../db";
import { settleNotifications } from "../notify";
import { limitHeapGrowth } from "./engine-memory";
import { executeRun } from "./pipeline";

limitHeapGrowth();
const { databaseUrl, runId } = workerData as { databaseUrl: string; runId: number };

executeRun(databaseUrl, runId)
  .then((summary) => parentPort?.postMessage({ type: "done", summary }))
  .catch((error: Error) => parentPort?.postMessage({ type: "error", message: error.message }))
  // The run's notification goes out after it is recorded: the worker waits for it before closing its pools.
  .finally(async () => {
    await settleNotifications();
    await closePools();
  });
