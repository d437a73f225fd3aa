/**
 * `npm start`'s placeholder while a migration runs (scripts/migrating-server.ts), over real HTTP against a real
 * database: a migrations folder of one slow migration (a SLEEP that also selects a literal, which must never show)
 * on top of a current database. During it the port answers 503 with the migration's tag and statement, the health
 * check is bare, a POST changes nothing; afterwards the migration is applied and the port is free again.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql, { type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsFolder } from "../../lib/db/migrate";
import { freePort } from "../../lib/free-port";
import { closeServer, migrateWhileServing, startMigratingServer } from "../../scripts/migrating-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

const tag = "9001_slow_test";
const literal = "not-shown-4711";

async function count(url: string, sql: string): Promise<number> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await connection.query<RowDataPacket[]>(sql);
    return Number(rows[0]?.n);
  } finally {
    await connection.end();
  }
}

/** The status of a GET / sent with this Host header (fetch does not let a caller set one). */
function statusWithHost(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/", headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on("error", reject);
  });
}

/** Resolves once something accepts a listener on the port (nothing else holds it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

describe("the placeholder while migrations run", () => {
  let db: TestDatabase;
  let folder: string;
  beforeAll(async () => {
    db = await createTestDatabase("migrating");
    // One migration newer than every committed one, so that it is the only one pending.
    const journal = JSON.parse(await readFile(path.join(migrationsFolder, "meta/_journal.json"), "utf8"));
    const newest = Math.max(...journal.entries.map((e: { when: number }) => e.when));
    folder = await mkdtemp(path.join(tmpdir(), "slow-migration-"));
    await mkdir(path.join(folder, "meta"));
    const entry = { idx: 0, version: "5", when: newest + 1000, tag, breakpoints: true };
    await writeFile(path.join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries: [entry] }));
    await writeFile(
      path.join(folder, `${tag}.sql`),
      `SELECT SLEEP(4) AS waited, '${literal}' AS secret;--> statement-breakpoint\nCREATE TABLE slow_done (id int);`,
    );
  });
  afterAll(async () => {
    await db?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("answers 503 with the migration's progress, changes nothing, and frees its port afterwards", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const lines: string[] = [];
    const runsBefore = await count(db.url, "SELECT COUNT(*) AS n FROM etl_runs");
    const migrating = migrateWhileServing(db.url, {
      host: "127.0.0.1",
      port,
      loopbackOnly: true,
      folder,
      logEveryMs: 1000,
      log: (line) => lines.push(line),
    });

    // Until the watcher has seen the statement (it reads every second; the statement runs 4 s).
    let html = "";
    let page: Response | undefined;
    for (const started = Date.now(); Date.now() - started < 3500; ) {
      page = await fetch(`${base}/`).catch(() => undefined);
      html = page ? await page.text() : "";
      if (html.includes("SELECT")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(page?.status).toBe(503);
    expect(html).toContain("Upgrading the database");
    expect(html).toContain(`migration ${tag} (1 of 1): SELECT (statement 1 of 2), running`);
    expect(html).toContain('http-equiv="refresh"');
    expect(html).not.toContain(literal);
    expect(html).not.toContain("mysql://");
    expect(page?.headers.get("retry-after")).toBe("5");
    expect(page?.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page?.headers.get("x-frame-options")).toBe("DENY");
    expect(page?.headers.get("cache-control")).toBe("no-store");

    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "migrating" });

    const post = await fetch(`${base}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "full", source: "sample" }),
    });
    expect(post.status).toBe(503);
    expect((await post.json()).status).toBe("migrating");

    // A name that is not loopback with auth off: refused, as the console does.
    expect(await statusWithHost(port, "attacker.example")).toBe(403);

    await migrating;
    expect(await portIsFree(port)).toBe(true);
    expect(
      await count(
        db.url,
        "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'slow_done'",
      ),
    ).toBe(1);
    expect(await count(db.url, "SELECT COUNT(*) AS n FROM etl_runs")).toBe(runsBefore);
    expect(
      lines.some((line) => line.startsWith(`Migrating: migration ${tag} (1 of 1): SELECT (statement 1 of 2), running`)),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^Database upgraded in \d+\.\d s\.$/);
  });

  it("does not touch the port when nothing is pending", async () => {
    // The database is on the committed migrations; a listener of our own would make any listen on the port fail.
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
    try {
      const lines: string[] = [];
      await migrateWhileServing(db.url, {
        host: "127.0.0.1",
        port,
        loopbackOnly: true,
        log: (l) => lines.push(l),
      });
      expect(lines).toEqual([]);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it("with a login set, shows no progress (it cannot check the login) and still answers 503", async () => {
    const port = await freePort();
    const progress = { total: 1, index: 1, tag: "0011_stored_keys", statement: "ALTER TABLE `title_principals`" };
    const server = await startMigratingServer("127.0.0.1", port, false, () => progress);
    try {
      const page = await fetch(`http://127.0.0.1:${port}/runs`);
      const html = await page.text();
      expect(page.status).toBe(503);
      expect(html).toContain("Upgrading the database");
      expect(html).not.toContain("title_principals");
      expect(html).not.toContain("0011");
    } finally {
      await closeServer(server);
    }
  });
});
