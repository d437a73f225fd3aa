/** Applies the committed drizzle-kit migrations; run on every start and by the test setup. */
import path from "node:path";
import { drizzle } from "drizzle-orm/mysql2";
import { migrate } from "drizzle-orm/mysql2/migrator";
import mysql from "mysql2/promise";
import { checkPrivileges } from "./grants";

export const migrationsFolder = path.resolve(process.cwd(), "db/migrations");

/**
 * Creates the database named in the URL if it is missing (utf8mb4), then migrates it (with the committed
 * migrations, or those in `folder`: the upgrade test builds a mirror with an earlier release's).
 */
export async function migrateDatabase(url: string, folder: string = migrationsFolder): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!name) throw new Error("DATABASE_URL must name a database, e.g. mysql://user:pass@host:3306/imdb");
  parsed.pathname = "/";
  const admin = await mysql.createConnection({ uri: parsed.toString() });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const warning = await checkPrivileges(admin, name);
    if (warning) console.warn(warning);
  } finally {
    await admin.end();
  }
  const connection = await mysql.createConnection({ uri: url, multipleStatements: true });
  try {
    await migrate(drizzle(connection), { migrationsFolder: folder });
  } finally {
    await connection.end();
  }
}
