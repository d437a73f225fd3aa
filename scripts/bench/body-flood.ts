/**
 * `npm run flood`: what 20 clients sending chunked 10 MB bodies to the login route for 30 s do to the console:
 * the server's resident memory and the latency of `GET /api/health` meanwhile, with
 * the answers the flood got. Starts its own console over the private database (ADMIN_PASSWORD set), or measures
 * one already running: `npm run flood -- --url http://127.0.0.1:3000 --pid <server pid>`.
 */
import { execFileSync } from "node:child_process";
import { request as httpRequest } from "node:http";
import { parseArgs } from "node:util";
import { resolveDatabaseUrl } from "../../lib/db/private-server";
import { startConsole } from "../console-server";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    pid: { type: "string" },
    clients: { type: "string", default: "20" },
    seconds: { type: "string", default: "30" },
    megabytes: { type: "string", default: "10" },
  },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const bodyBytes = Number(values.megabytes) * 1024 * 1024;

/** Resident memory of the server, in MB: the largest process of its process group (npx and tsx wrappers aside). */
function groupRssMb(pid: number): number {
  const pgid = execFileSync("ps", ["-o", "pgid=", "-p", String(pid)], { encoding: "utf8" }).trim();
  const rss = execFileSync("ps", ["-o", "rss=", "-g", pgid], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .reduce((largest, kb) => Math.max(largest, Number(kb)), 0);
  return rss / 1024;
}

/** One chunked POST of `bytes`; resolves with the status (or the error's code) once the exchange is over. */
function postChunked(url: string, bytes: number): Promise<string> {
  return new Promise((resolve) => {
    const request = httpRequest(url, {
      method: "POST",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    let status = "";
    request.on("response", (response) => {
      status = String(response.statusCode);
      response.resume();
      response.on("end", () => resolve(status));
    });
    request.on("error", (error: NodeJS.ErrnoException) => resolve(status || error.code || "error"));
    const chunk = Buffer.alloc(64 * 1024, "[");
    let sent = 0;
    const pump = () => {
      while (sent < bytes && !request.destroyed) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      request.end();
    };
    pump();
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

let baseUrl = values.url;
let pid = Number(values.pid);
let stop = () => {};
if (!baseUrl) {
  const server = await startConsole({
    ...process.env,
    DATABASE_URL: await resolveDatabaseUrl(),
    ADMIN_PASSWORD: "flood-test-password",
    CONSOLE_SCHEDULER: "off",
  });
  ({ baseUrl, stop } = server);
  pid = server.pid;
}

const deadline = Date.now() + seconds * 1000;
const statuses = new Map<string, number>();
const floodClient = async () => {
  while (Date.now() < deadline) {
    const status = await postChunked(`${baseUrl}/api/session`, bodyBytes);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
};
const latencies: number[] = [];
const healthProbe = async () => {
  while (Date.now() < deadline) {
    const started = performance.now();
    await fetch(`${baseUrl}/api/health`).then((r) => r.text());
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};
const rssBefore = groupRssMb(pid);
let rssPeak = rssBefore;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, groupRssMb(pid));
}, 500);
await Promise.all([...Array.from({ length: clients }, floodClient), healthProbe()]);
clearInterval(sampler);
const rssAfter = groupRssMb(pid);
stop();

latencies.sort((a, b) => a - b);
const result = {
  clients,
  seconds,
  bodyMegabytes: bodyBytes / 1024 / 1024,
  floodAnswers: Object.fromEntries(statuses),
  rssMb: { before: Math.round(rssBefore), peak: Math.round(rssPeak), after: Math.round(rssAfter) },
  healthMs: {
    count: latencies.length,
    p50: Math.round(percentile(latencies, 0.5) ?? 0),
    p95: Math.round(percentile(latencies, 0.95) ?? 0),
    max: Math.round(latencies.at(-1) ?? 0),
  },
};
console.log(JSON.stringify(result, null, 2));
