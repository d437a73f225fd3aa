/**
 * Runs a command with DATABASE_URL pointing at a migrated server: the one given, or the private one
 * (started if needed). Used by the test scripts: `tsx scripts/with-db.ts vitest run …`.
 */
import { spawn } from "node:child_process";
import { resolveDatabaseUrl } from "../lib/db/private-server";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: tsx scripts/with-db.ts <command> [args…]");
  process.exit(2);
}
const url = await resolveDatabaseUrl();
const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, DATABASE_URL: url }, shell: false });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
