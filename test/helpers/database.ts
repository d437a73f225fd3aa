/**
 * Each test file gets a database of its own on the real server named by DATABASE_URL (the private
 * one under `npm test`), migrated from the committed migrations and dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import mysql from "mysql2/promise";
import { migrateDatabase } from "../../lib/db/migrate";
import { keptFolder } from "../../lib/etl/kept-file";
import { settingsFromEnv } from "../../lib/etl/settings";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function serverUrl(): URL {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error("DATABASE_URL is not set: run the tests through `npm test` (it starts the private database).");
  return new URL(url);
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const base = serverUrl();
  const name = `test_${label.replace(/\W+/g, "_").slice(0, 30)}_${randomBytes(3).toString("hex")}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    name,
    async drop() {
      const root = new URL(base);
      root.pathname = "/";
      const connection = await mysql.createConnection({ uri: root.toString() });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
      // The kept files of the engine's runs on this database (the default KEPT_DIR) go with it.
      await rm(keptFolder(settingsFromEnv().keptDir, url.toString()), { recursive: true, force: true });
    },
  };
}
