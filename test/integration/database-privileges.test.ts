/**
 * The private database gives a stranger who finds an SQL injection nothing beyond the console's own tables: the
 * server runs as an unprivileged user when started by root, `secure_file_priv` is a folder of its own, and the
 * app's user holds only what the sync needs on its databases (no FILE, SUPER or GRANT OPTION).
 */
import { readFileSync } from "node:fs";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appPrivileges, privilegeProblems } from "../../lib/db/grants";
import { privateDatabaseStatus, serverUser } from "../../lib/db/private-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

const status = privateDatabaseStatus();
// Under `npm test` DATABASE_URL is the private server; a caller's own server is not the private one's to check.
const onPrivateServer = status.running && process.env.DATABASE_URL?.includes("@127.0.0.1:") === true;

describe.runIf(onPrivateServer)("the private database's privileges", () => {
  let db: TestDatabase;
  let connection: mysql.Connection;

  beforeAll(async () => {
    db = await createTestDatabase("privileges");
    connection = await mysql.createConnection({ uri: db.url });
  });
  afterAll(async () => {
    await connection?.end();
    await db?.drop();
  });

  it("runs mariadbd as an unprivileged user when started by root, as its starter otherwise", () => {
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${status.pid}/status`, "utf8"))?.[1]);
    if (process.getuid?.() === 0) {
      expect(uid).not.toBe(0);
      const name = readFileSync("/etc/passwd", "utf8")
        .split("\n")
        .find((line) => line.split(":")[2] === String(uid))
        ?.split(":")[0];
      expect(name).toBe(serverUser);
    } else {
      expect(uid).toBe(process.getuid?.());
    }
  });

  it("confines server-side file access to a folder of its own", async () => {
    const [[row]] = (await connection.query("SELECT @@secure_file_priv AS dir")) as unknown as [{ dir: string }[]];
    expect(row?.dir).toMatch(/\/server\/files\/?$/);
    await expect(connection.query("SELECT 1 INTO OUTFILE '/tmp/imdb-sync-privileges-test.txt'")).rejects.toThrow(
      /FILE privilege/,
    );
    await expect(connection.query("SELECT LOAD_FILE('/etc/passwd') AS f")).resolves.toEqual([
      [{ f: null }],
      expect.anything(),
    ]);
  });

  it("gives the app's user what the sync needs on its databases and nothing on the server", async () => {
    const problems = await privilegeProblems(connection, db.name);
    expect(problems.missing).toEqual([]);
    expect(problems.excess).toEqual([]);
    const [grants] = (await connection.query("SHOW GRANTS")) as unknown as [Record<string, string>[]];
    const text = grants.map((g) => Object.values(g)[0]).join("\n");
    expect(text).not.toMatch(/ALL PRIVILEGES|WITH GRANT OPTION|\bFILE\b|\bSUPER\b/);
    expect(text).toMatch(/GRANT USAGE ON \*\.\*/);
    for (const privilege of appPrivileges) expect(text).toContain(privilege);
    await expect(connection.query("CREATE DATABASE not_the_consoles")).rejects.toThrow(/Access denied/);
    await expect(connection.query("SELECT * FROM mysql.user")).rejects.toThrow(/denied/);
  });
});
