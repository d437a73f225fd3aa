/**
 * `npm run cluster -- start|stop|status [--clean]`: a three-node MariaDB Galera cluster on loopback
 * (lib/db/cluster.ts). `exec <command…>` starts it (or reuses it) and runs the command with DATABASE_URL
 * pointing at node 1 and CLUSTER_URLS listing all three nodes: `npm run test:cluster` uses it.
 */
import { spawn } from "node:child_process";
import { clusterStatusText, startCluster, stopCluster } from "../lib/db/cluster";

const [command, ...rest] = process.argv.slice(2);
const hide = (url: string) => url.replace(/:[^:@]*@/, ":***@");
try {
  if (command === "start") {
    const started = Date.now();
    const urls = await startCluster();
    console.log(`Cluster running (${((Date.now() - started) / 1000).toFixed(1)} s):`);
    for (const url of urls) console.log(`  ${hide(url)}`);
  } else if (command === "stop") {
    const stopped = await stopCluster({ clean: rest.includes("--clean") });
    console.log(
      `Cluster stopped (${stopped} node(s) were running)${rest.includes("--clean") ? ", data deleted" : ""}.`,
    );
  } else if (command === "status") {
    console.log(await clusterStatusText());
  } else if (command === "exec" && rest[0]) {
    const urls = await startCluster();
    // As scripts/with-db.ts: the tests set the access they test themselves.
    const env = {
      ...process.env,
      DATABASE_URL: urls[0],
      CLUSTER_URLS: urls.join(","),
      ADMIN_PASSWORD: "",
      ADMIN_TOKEN: "",
      SESSION_SECRET: "",
    };
    const child = spawn(rest[0], rest.slice(1), { stdio: "inherit", env, shell: false });
    child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  } else {
    console.error("usage: tsx scripts/cluster.ts start|stop [--clean]|status|exec <command…>");
    process.exitCode = 2;
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
