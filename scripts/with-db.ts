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
// The tests set the access they test themselves: a shell that exports ADMIN_PASSWORD / ADMIN_TOKEN (as the
// README's curl example suggests) must not turn them into 401s. An empty value counts as unset (lib/env.ts).
// The schedule tests fire every 2-3 s, where a schedule may fire at most once a minute unless this is lowered.
const env = {
  ...process.env,
  DATABASE_URL: url,
  ADMIN_PASSWORD: "",
  ADMIN_TOKEN: "",
  SESSION_SECRET: "",
  SCHEDULE_MIN_INTERVAL_SECONDS: "1",
};
const child = spawn(command, args, { stdio: "inherit", env, shell: false });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
