/**
 * The project's private MariaDB/MySQL server: data under DATA_DIR/mysql, loopback only,
 * local_infile on, tuned for bulk loads. Started on demand, reused while it runs, stopped by `npm run db:stop`.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, totalmem } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import { env } from "../env";
import { freePort } from "../free-port";
import { appPrivileges } from "./grants";

const dataDir = path.resolve(env.DATA_DIR);
const dbDir = path.join(dataDir, "mysql");
/** What the server itself writes besides its data (pid file, socket, error log, secure_file_priv): its user owns it. */
const serverDir = path.join(dataDir, "server");
const pidFile = path.join(serverDir, "mysqld.pid");
/** Where a server started by an earlier version keeps its pid file (it runs until stopped). */
const legacyPidFile = path.join(dataDir, "mysqld.pid");
const credentialsFile = path.join(dataDir, "credentials.json");
const errorLog = path.join(serverDir, "mysqld.err");
/** The only folder `SELECT … INTO OUTFILE` and `LOAD DATA` (not LOCAL) may touch: nothing of anyone else's. */
const secureFilesDir = path.join(serverDir, "files");
const portFile = path.join(dataDir, "port");
const databaseName = "imdb";
const defaultPort = 33306;

/** Whether nothing listens on the loopback port (another checkout's private server, say). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** The port this checkout's server uses: PRIVATE_DB_PORT if set, else the one remembered in DATA_DIR/port. */
function knownPort(): number {
  if (env.PRIVATE_DB_PORT) return env.PRIVATE_DB_PORT;
  return existsSync(portFile) ? Number(readFileSync(portFile, "utf8").trim()) || defaultPort : defaultPort;
}

/**
 * The port for a server about to start. PRIVATE_DB_PORT is taken as given (a clear error if it is busy); else
 * 33306, or a free port when something else holds it, remembered in DATA_DIR/port for the next start.
 */
async function portToStart(): Promise<number> {
  const port = knownPort();
  if (await portIsFree(port)) return port;
  if (env.PRIVATE_DB_PORT) {
    throw new Error(
      `PRIVATE_DB_PORT=${port} is in use by another process (\`ss -ltnp 'sport = :${port}'\` shows which); choose another port or unset PRIVATE_DB_PORT.`,
    );
  }
  const free = await freePort();
  console.log(
    `Port ${port} is in use by another process: the private database uses ${free} (remembered in ${portFile}).`,
  );
  writeFileSync(portFile, String(free));
  return free;
}

/** Unix socket paths are limited to ~107 bytes; a deep checkout falls back to the temp folder. */
function socketPath(): string {
  const inData = path.join(serverDir, "mysqld.sock");
  if (inData.length < 100) return inData;
  const tag = Buffer.from(dataDir).toString("base64url").slice(-16);
  return path.join(tmpdir(), `imdb-sync-${tag}.sock`);
}

/**
 * The private server's InnoDB buffer pool: PRIVATE_DB_BUFFER_POOL, else a quarter of the memory this process may
 * use (the container's limit, where there is one), at least 1 GB. An incremental run reads the pages of the rows
 * it changes: a pool smaller than the mirror makes each one a 16 KB read from disk (about 80 µs here), which at
 * 1 % changed rows costs more than everything else in the run.
 */
export function bufferPoolBytes(): number {
  if (env.PRIVATE_DB_BUFFER_POOL) return env.PRIVATE_DB_BUFFER_POOL;
  const limit = process.constrainedMemory?.() || Number.POSITIVE_INFINITY;
  const memory = Math.min(totalmem(), limit);
  const unit = 128 << 20;
  return Math.max(8 * unit, Math.floor(memory / 4 / unit) * unit);
}

/** Server settings for bulk loads; documented in docs/clusters.md for external servers. */
export const bulkLoadSettings = [
  "--local-infile=1",
  "--character-set-server=utf8mb4",
  "--collation-server=utf8mb4_unicode_ci",
  `--innodb-buffer-pool-size=${bufferPoolBytes()}`,
  "--innodb-log-file-size=1G",
  "--innodb-log-buffer-size=64M",
  "--innodb-flush-log-at-trx-commit=2",
  "--innodb-doublewrite=0",
  "--innodb-autoinc-lock-mode=2",
  "--max-allowed-packet=256M",
  "--skip-log-bin",
  "--max-connections=200",
];

export function findBinary(names: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/local/sbin", "/usr/bin"];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export function serverBinary(): string {
  let found = findBinary(["mariadbd", "mysqld"]);
  if (!found && process.getuid?.() === 0 && findBinary(["apt-get"])) {
    console.log("No MariaDB/MySQL server found: installing mariadb-server with apt-get …");
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    spawnSync("apt-get", ["install", "-y", "-qq", "mariadb-server"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    found = findBinary(["mariadbd", "mysqld"]);
  }
  if (!found) {
    throw new Error(
      "No MariaDB/MySQL server binary (mariadbd or mysqld) was found.\n" +
        "Install one (Debian/Ubuntu: sudo apt-get install mariadb-server) or set DATABASE_URL\n" +
        "to an existing MySQL 8 / MariaDB 10.6+ server with local_infile=ON.",
    );
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runningPid(): number | undefined {
  for (const file of [pidFile, legacyPidFile]) {
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, "utf8").trim());
    if (pid > 0 && isAlive(pid)) return pid;
  }
  return undefined;
}

/** The cluster's nodes (lib/db/cluster.ts) run as the user who starts them; mariadbd needs to be told when it is root. */
export function asUser(): string[] {
  return process.getuid?.() === 0 ? ["--user=root"] : [];
}

/** The unprivileged system user the private server runs as when started by root. */
export const serverUser = "mysql";

interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

/** The system user `name` from the password database, created (a system user without a shell) if missing. */
function systemUser(name: string): SystemUser {
  const lookup = () => {
    const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
    return uid.status === 0 && gid.status === 0
      ? { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
      : undefined;
  };
  const found = lookup();
  if (found) return found;
  spawnSync("useradd", ["--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name]);
  const created = lookup();
  if (!created) throw new Error(`Could not find or create the system user "${name}" for the private database.`);
  return created;
}

/**
 * Lets `user` reach `folder`: every folder above it must be searchable by that user. Folders that are not (a
 * checkout under /root, say) get the search bit for others, which lets nobody list them; each is named.
 */
function letReach(folder: string, user: SystemUser): void {
  for (let dir = path.dirname(folder); ; dir = path.dirname(dir)) {
    const { mode, uid, gid } = statSync(dir);
    const searchable = mode & 0o001 || (uid === user.uid && mode & 0o100) || (gid === user.gid && mode & 0o010);
    if (!searchable) {
      chmodSync(dir, mode | 0o001);
      console.log(
        `The private database runs as "${user.name}": made ${dir} searchable (o+x) so it can reach ${folder}.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/**
 * Run as root, mariadbd would run as root: it runs as the unprivileged `mysql` user instead, owning its data, its
 * folder and nothing else. Returns the flags that say so (none when not root: it runs as whoever starts it).
 */
function dropPrivileges(): string[] {
  mkdirSync(secureFilesDir, { recursive: true, mode: 0o750 });
  if (process.getuid?.() !== 0) return [];
  const user = systemUser(serverUser);
  for (const dir of [dbDir, serverDir]) {
    spawnSync("chown", ["-R", `${user.uid}:${user.gid}`, dir]);
    letReach(dir, user);
  }
  chownSync(secureFilesDir, user.uid, user.gid);
  return [`--user=${user.name}`];
}

function initialise(binary: string): void {
  mkdirSync(dbDir, { recursive: true });
  const asServerUser = dropPrivileges();
  const isMariaDb = path.basename(binary) === "mariadbd";
  const installer = isMariaDb ? findBinary(["mariadb-install-db", "mysql_install_db"]) : undefined;
  const result = installer
    ? spawnSync(
        installer,
        [
          "--no-defaults",
          `--datadir=${dbDir}`,
          "--auth-root-authentication-method=socket",
          "--skip-test-db",
          ...asServerUser,
        ],
        { encoding: "utf8" },
      )
    : spawnSync(binary, ["--no-defaults", "--initialize-insecure", `--datadir=${dbDir}`, ...asServerUser], {
        encoding: "utf8",
      });
  if (result.status !== 0) {
    throw new Error(`Could not initialise the private database in ${dbDir}:\n${result.stderr || result.stdout}`);
  }
}

async function waitForSocket(pid: number, timeoutMs = 60000): Promise<mysql.Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await mysql.createConnection({ socketPath: socketPath(), user: "root" });
    } catch (error) {
      if (!isAlive(pid)) {
        const log = existsSync(errorLog) ? readFileSync(errorLog, "utf8").split("\n").slice(-15).join("\n") : "";
        throw new Error(`The private database server exited during start-up. Last lines of ${errorLog}:\n${log}`);
      }
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export interface Credentials {
  user: string;
  password: string;
}

/**
 * The databases the app's user may use on the private server and the cluster: `imdb`, and the throw-away ones
 * that the tests (`test_…`), the benchmark (`bench`, `bench_…`) and the screenshots make beside it (`_` escaped:
 * it is a wildcard in a grant).
 */
const appDatabasePatterns = ["imdb", "imdb\\_%", "test\\_%", "bench", "bench\\_%", "screenshots"];

/** The credentials kept in `file` (mode 0600), made up the first time: the private server's and the cluster's. */
/**
 * Creates the `imdb` database and the loopback user of `creds` through a root connection, which it closes.
 * Idempotent: used at each start of the private server and of the cluster's first node.
 */
export async function provisionDatabase(root: mysql.Connection, creds: Credentials): Promise<void> {
  try {
    await root.query(
      `CREATE DATABASE IF NOT EXISTS \`${databaseName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await root.query("CREATE USER IF NOT EXISTS ?@'127.0.0.1' IDENTIFIED BY ?", [creds.user, creds.password]);
    // Earlier versions granted everything on *.*: taken back at each start, then only what the console needs.
    await root.query("REVOKE ALL PRIVILEGES, GRANT OPTION FROM ?@'127.0.0.1'", [creds.user]);
    // TRIGGER beyond what the console needs: the tests make an apply fail with one (test/integration/history.test.ts).
    const privileges = [...appPrivileges, "TRIGGER"].join(", ");
    for (const pattern of appDatabasePatterns) {
      await root.query(`GRANT ${privileges} ON \`${pattern}\`.* TO ?@'127.0.0.1'`, [creds.user]);
    }
  } finally {
    await root.end();
  }
}

export function storedCredentials(file: string): Credentials {
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Credentials;
  const created = { user: "imdb", password: randomBytes(12).toString("hex") };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(created), { mode: 0o600 });
  return created;
}

const credentials = () => storedCredentials(credentialsFile);

function urlFor(c: Credentials, port: number): string {
  return `mysql://${c.user}:${c.password}@127.0.0.1:${port}/${databaseName}`;
}

/** Starts the private server if it is not running and returns its DATABASE_URL. */
export async function startPrivateDatabase(): Promise<string> {
  mkdirSync(serverDir, { recursive: true });
  const creds = credentials();
  const existing = runningPid();
  if (existing) return urlFor(creds, knownPort());
  const port = await portToStart();

  const binary = serverBinary();
  if (!existsSync(path.join(dbDir, "mysql"))) initialise(binary);
  // The log is created before the folder is handed to the server's user, so that it owns the log too.
  const log = openSync(errorLog, "a");
  const asServerUser = dropPrivileges();
  const child = spawn(
    binary,
    [
      "--no-defaults",
      `--datadir=${dbDir}`,
      `--socket=${socketPath()}`,
      `--pid-file=${pidFile}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      "--skip-name-resolve",
      `--log-error=${errorLog}`,
      `--secure-file-priv=${secureFilesDir}`,
      ...asServerUser,
      ...bulkLoadSettings,
    ],
    { detached: true, stdio: ["ignore", log, log] },
  );
  child.unref();
  const pid = child.pid ?? 0;
  await provisionDatabase(await waitForSocket(pid), creds);
  return urlFor(creds, port);
}

/** Stops the private server cleanly (SIGTERM, then waits for the process to exit). */
export async function stopPrivateDatabase(): Promise<boolean> {
  const pid = runningPid();
  if (!pid) return false;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 120000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`The private database (pid ${pid}) did not stop within 2 minutes.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
}

export function privateDatabaseStatus(): { running: boolean; pid?: number; dataDir: string } {
  const pid = runningPid();
  return { running: pid !== undefined, pid, dataDir: dbDir };
}

/** DATABASE_URL when set; otherwise the private server, started if needed. */
export async function resolveDatabaseUrl(): Promise<string> {
  return env.DATABASE_URL ?? (await startPrivateDatabase());
}
