/**
 * The privileges the console's database user must hold on its database, checked when it migrates (every start):
 * a missing one is named with the GRANT that adds it, before a sync fails half-way for want of it.
 */
import type mysql from "mysql2/promise";

/**
 * What the console and the engine need on their database, and nothing on the server: no FILE, SUPER, PROCESS or
 * GRANT OPTION. `LOAD DATA LOCAL` needs no FILE privilege; a first build's swap needs CREATE, DROP and ALTER; an
 * incremental run's stage needs CREATE TEMPORARY TABLES. docs/security.md ("The database user") lists the same.
 */
export const appPrivileges = [
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "CREATE",
  "DROP",
  "ALTER",
  "INDEX",
  "CREATE TEMPORARY TABLES",
  "LOCK TABLES",
  "REFERENCES",
  "CREATE VIEW",
  "SHOW VIEW",
];

/** Privileges on the whole server that the console never needs and that turn an SQL injection into more. */
const dangerous = ["FILE", "SUPER", "PROCESS", "SHUTDOWN", "CREATE USER", "RELOAD"];

/** The problems with the current user's privileges on `database`: `missing` must be granted; `excess` is a warning. */
export async function privilegeProblems(
  connection: mysql.Connection,
  database: string,
): Promise<{ missing: string[]; excess: string[]; grantee: string }> {
  const [[me]] = (await connection.query("SELECT CURRENT_USER() AS user")) as unknown as [{ user: string }[]];
  const [user, host] = String(me?.user).split("@");
  const grantee = `'${user}'@'${host}'`;
  const [global] = (await connection.query(
    "SELECT PRIVILEGE_TYPE AS p, IS_GRANTABLE AS g FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?",
    [grantee],
  )) as unknown as [{ p: string; g: string }[]];
  const [onDatabase] = (await connection.query(
    // A grant on a pattern (`imdb\_%`) holds for every database it matches.
    "SELECT PRIVILEGE_TYPE AS p FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND ? LIKE TABLE_SCHEMA",
    [grantee, database],
  )) as unknown as [{ p: string }[]];
  const held = new Set([...global, ...onDatabase].map((r) => r.p));
  const missing = appPrivileges.filter((p) => !held.has(p));
  const excess = global.filter((r) => dangerous.includes(r.p)).map((r) => r.p);
  if (global.some((r) => r.g === "YES")) excess.push("GRANT OPTION");
  return { missing, excess, grantee };
}

/** Throws a clear error when the user lacks a privilege the console needs; returns a warning when it holds too many. */
export async function checkPrivileges(connection: mysql.Connection, database: string): Promise<string | undefined> {
  const { missing, excess, grantee } = await privilegeProblems(connection, database);
  if (missing.length > 0) {
    throw new Error(
      `The database user ${grantee} lacks ${missing.join(", ")} on \`${database}\`. As an administrator, run:\n` +
        `  GRANT ${appPrivileges.join(", ")} ON \`${database}\`.* TO ${grantee};`,
    );
  }
  if (excess.length === 0) return undefined;
  return `The database user ${grantee} holds ${excess.join(", ")} on the whole server, which the console never needs: a narrower user is safer (docs/security.md: The database user).`;
}
