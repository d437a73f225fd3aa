/**
 * A three-node MariaDB Galera cluster on loopback, for development and the cluster tests (`npm run cluster`).
 * Each node is started with only the settings Galera requires and a writeset limit (nodeSettings), with its data
 * under DATA_DIR/cluster/node{1,2,3}. Node 1 bootstraps the cluster; 2 and 3 join it and get
 * their data by rsync SST (design.md §8: what works on this machine).
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import mysql from "mysql2/promise";
import { env } from "../env";
import {
  asUser,
  findBinary,
  isAlive,
  portIsFree,
  provisionDatabase,
  serverBinary,
  storedCredentials,
} from "./private-server";

const clusterDir = path.resolve(env.DATA_DIR, "cluster");
const credentialsFile = path.join(clusterDir, "credentials.json");
const databaseName = "imdb";
const galeraLibrary = "/usr/lib/galera/libgalera_smm.so";

export interface ClusterNode {
  index: number;
  /** SQL port (the node's DATABASE_URL). */
  port: number;
  /** Group communication, incremental state transfer and full state transfer (rsync) ports. */
  galeraPort: number;
  istPort: number;
  sstPort: number;
  dir: string;
  dataDir: string;
  socket: string;
  pidFile: string;
  errorLog: string;
}

export const clusterNodes: ClusterNode[] = [1, 2, 3].map((index) => {
  const dir = path.join(clusterDir, `node${index}`);
  return {
    index,
    port: 33410 + index,
    galeraPort: 45670 + index,
    istPort: 45680 + index,
    sstPort: 44440 + index,
    dir,
    dataDir: path.join(dir, "data"),
    socket: path.join(dir, "mysqld.sock"),
    pidFile: path.join(dir, "mysqld.pid"),
    errorLog: path.join(dir, "mysqld.err"),
  };
});

/**
 * The writeset limit every node starts with (`wsrep_max_ws_size`, 8 MB; the default is 2 GB). A limit set at start is
 * what a cluster set up the usual way has, and since MariaDB 10.11.19 (MDEV-28750) it changes which statements a
 * node accepts: an UPDATE joining a derived table fails with "Galera replication not supported" (design.md §8).
 * The migrations and every run in the cluster tests go through nodes started with it.
 */
export const clusterWritesetLimit = 8 << 20;

/**
 * Only the settings Galera requires (MariaDB's Galera guide: row-based binary log format, InnoDB, interleaved
 * auto-increment locks, the provider and the cluster's addresses, rsync state transfers) plus the writeset limit:
 * not the private server's tuned bulk-load settings, so that the tests meet a node as people set one up. The
 * buffer pool and redo log keep their defaults (128 MB and 96 MB: three servers share a 2-core machine).
 */
function nodeSettings(node: ClusterNode): string[] {
  const peers = clusterNodes.map((n) => `127.0.0.1:${n.galeraPort}`).join(",");
  return [
    "--binlog-format=ROW",
    "--default-storage-engine=InnoDB",
    "--innodb-autoinc-lock-mode=2",
    "--wsrep-on=ON",
    `--wsrep-provider=${galeraLibrary}`,
    "--wsrep-cluster-name=imdb-sync-dev",
    `--wsrep-cluster-address=gcomm://${peers}`,
    `--wsrep-node-name=node${node.index}`,
    "--wsrep-node-address=127.0.0.1",
    `--wsrep-node-incoming-address=127.0.0.1:${node.port}`,
    `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${node.galeraPort};ist.recv_addr=127.0.0.1:${node.istPort};gcache.size=128M`,
    "--wsrep-sst-method=rsync",
    `--wsrep-sst-receive-address=127.0.0.1:${node.sstPort}`,
    `--wsrep-max-ws-size=${clusterWritesetLimit}`,
  ];
}

/** galera-4 and rsync, installed with apt-get when missing and run as root (like mariadb-server). */
function ensureGalera(): void {
  serverBinary();
  if (existsSync(galeraLibrary) && findBinary(["rsync"])) return;
  if (process.getuid?.() === 0 && findBinary(["apt-get"])) {
    console.log("Galera or rsync missing: installing galera-4 rsync with apt-get …");
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    spawnSync("apt-get", ["install", "-y", "-qq", "galera-4", "rsync"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  }
  if (!existsSync(galeraLibrary) || !findBinary(["rsync"])) {
    throw new Error(`The cluster needs ${galeraLibrary} and rsync: sudo apt-get install galera-4 rsync`);
  }
}

function runningPid(node: ClusterNode): number | undefined {
  if (!existsSync(node.pidFile)) return undefined;
  const pid = Number(readFileSync(node.pidFile, "utf8").trim());
  return pid > 0 && isAlive(pid) ? pid : undefined;
}

/** Cluster node 1, 2 or 3. */
export function clusterNode(index: number): ClusterNode {
  const node = clusterNodes[index - 1];
  if (!node) throw new Error(`There is no cluster node ${index}.`);
  return node;
}

/** The pid of a node's mariadbd while it runs (the cluster tests kill node 1 with it). */
export function nodePid(index: number): number | undefined {
  return runningPid(clusterNode(index));
}

function initialise(node: ClusterNode): void {
  mkdirSync(node.dataDir, { recursive: true });
  const installer = findBinary(["mariadb-install-db", "mysql_install_db"]);
  if (!installer) throw new Error("mariadb-install-db was not found (the cluster needs MariaDB).");
  const result = spawnSync(
    installer,
    [
      "--no-defaults",
      `--datadir=${node.dataDir}`,
      "--auth-root-authentication-method=socket",
      "--skip-test-db",
      ...asUser(),
    ],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`Could not initialise ${node.dataDir}:\n${result.stderr || result.stdout}`);
}

/**
 * Node 1 may bootstrap only if it holds the newest state; after a clean stop (3, 2, then 1) it does. After a
 * crash of all nodes Galera refuses (safe_to_bootstrap: 0): for this throw-away dev cluster node 1 is trusted.
 */
function allowBootstrap(node: ClusterNode): void {
  const grastate = path.join(node.dataDir, "grastate.dat");
  if (!existsSync(grastate)) return;
  writeFileSync(grastate, readFileSync(grastate, "utf8").replace("safe_to_bootstrap: 0", "safe_to_bootstrap: 1"));
}

function lastLog(node: ClusterNode, lines = 20): string {
  return existsSync(node.errorLog) ? readFileSync(node.errorLog, "utf8").split("\n").slice(-lines).join("\n") : "";
}

async function rootConnection(node: ClusterNode): Promise<mysql.Connection> {
  return mysql.createConnection({ socketPath: node.socket, user: "root" });
}

/** The node's wsrep state, or undefined when it does not answer. */
export async function nodeState(
  node: ClusterNode,
): Promise<{ clusterSize: number; state: string; ready: boolean } | undefined> {
  let connection: mysql.Connection | undefined;
  try {
    connection = await rootConnection(node);
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_local_state_comment', 'wsrep_ready')",
    );
    const value = (name: string) => String(rows.find((r) => r.Variable_name === name)?.Value ?? "");
    return {
      clusterSize: Number(value("wsrep_cluster_size")),
      state: value("wsrep_local_state_comment"),
      ready: value("wsrep_ready") === "ON",
    };
  } catch {
    return undefined;
  } finally {
    await connection?.end().catch(() => {});
  }
}

async function startNode(node: ClusterNode, binary: string, bootstrap: boolean): Promise<void> {
  if (runningPid(node)) return;
  for (const port of [node.port, node.galeraPort, node.istPort, node.sstPort]) {
    if (!(await portIsFree(port))) {
      throw new Error(
        `Port ${port} (cluster node ${node.index}) is in use: \`ss -ltnp 'sport = :${port}'\` shows by what.`,
      );
    }
  }
  // The rsync daemon of a state transfer writes into the data directory: it must be writable (design.md §8).
  mkdirSync(node.dataDir, { recursive: true });
  chmodSync(node.dir, 0o777);
  chmodSync(node.dataDir, 0o777);
  if (bootstrap) {
    if (!existsSync(path.join(node.dataDir, "mysql"))) initialise(node);
    allowBootstrap(node);
  } else if (process.getuid?.() === 0) {
    // Run as root, the joiner's rsync daemon writes as nobody: a node that rejoins after a crash (a full state
    // transfer over its old files) fails with "chgrp … Operation not permitted" on files it does not own.
    spawnSync("chown", ["-R", "nobody:nogroup", node.dataDir]);
  }
  const args = [
    "--no-defaults",
    `--datadir=${node.dataDir}`,
    `--socket=${node.socket}`,
    `--pid-file=${node.pidFile}`,
    `--port=${node.port}`,
    "--bind-address=127.0.0.1",
    "--skip-name-resolve",
    `--log-error=${node.errorLog}`,
    ...asUser(),
    ...nodeSettings(node),
  ];
  const log = openSync(node.errorLog, "a");
  const child = spawn(binary, [...args, ...(bootstrap ? ["--wsrep-new-cluster"] : [])], {
    detached: true,
    stdio: ["ignore", log, log],
  });
  child.unref();
  const pid = child.pid ?? 0;
  // mariadbd writes its pid file only once a joiner's state transfer is done: stop and status need it before.
  writeFileSync(node.pidFile, String(pid));
  // A joiner answers on its socket only after its state transfer: wait for Synced, not just for the socket.
  const deadline = Date.now() + 300_000;
  for (;;) {
    const state = await nodeState(node);
    if (state?.ready && state.state === "Synced") return;
    if (!isAlive(pid)) {
      throw new Error(
        `Cluster node ${node.index} exited during start-up. Last lines of ${node.errorLog}:\n${lastLog(node)}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`Cluster node ${node.index} did not reach Synced within 5 minutes.`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const credentials = () => storedCredentials(credentialsFile);

/** Each node's DATABASE_URL (node 1 first). */
export function clusterUrls(): string[] {
  const c = credentials();
  return clusterNodes.map((n) => `mysql://${c.user}:${c.password}@127.0.0.1:${n.port}/${databaseName}`);
}

/**
 * Starts the nodes that are not running: node 1 bootstraps a new cluster when no node runs, otherwise every
 * stopped node joins the running ones. Returns once all three are Synced, with the database and user created.
 */
export async function startCluster(): Promise<string[]> {
  ensureGalera();
  const binary = serverBinary();
  mkdirSync(clusterDir, { recursive: true });
  const creds = credentials();
  const anyRunning = clusterNodes.some((n) => runningPid(n));
  for (const node of clusterNodes) await startNode(node, binary, !anyRunning && node.index === 1);
  const deadline = Date.now() + 60_000;
  while (!(await clusterHealthy())) {
    if (Date.now() > deadline)
      throw new Error(`The cluster did not reach 3 Synced nodes: ${await clusterStatusText()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await provisionDatabase(await rootConnection(clusterNode(1)), creds);
  return clusterUrls();
}

async function clusterHealthy(): Promise<boolean> {
  for (const node of clusterNodes) {
    const state = await nodeState(node);
    if (state?.clusterSize !== 3 || state.state !== "Synced") return false;
  }
  return true;
}

export async function clusterStatusText(): Promise<string> {
  const lines: string[] = [];
  for (const node of clusterNodes) {
    const pid = runningPid(node);
    const state = pid ? await nodeState(node) : undefined;
    lines.push(
      `node${node.index} port ${node.port}: ${
        !pid
          ? "stopped"
          : state
            ? `pid ${pid} wsrep_cluster_size=${state.clusterSize} wsrep_local_state_comment=${state.state}`
            : `pid ${pid}, not answering`
      }`,
    );
  }
  return lines.join("\n");
}

async function stopNode(node: ClusterNode): Promise<boolean> {
  const pid = runningPid(node);
  if (!pid) return false;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 120_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`Cluster node ${node.index} (pid ${pid}) did not stop within 2 minutes.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
}

/** Stops node 3, 2, then 1 (the last one down holds the newest state and may bootstrap next time). */
export async function stopCluster(options: { clean?: boolean } = {}): Promise<number> {
  let stopped = 0;
  for (const node of [...clusterNodes].reverse()) if (await stopNode(node)) stopped++;
  if (options.clean) rmSync(clusterDir, { recursive: true, force: true });
  return stopped;
}
