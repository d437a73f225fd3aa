/** `npm run db:start | db:stop | db:status`: manage the private database server. */
import { privateDatabaseStatus, startPrivateDatabase, stopPrivateDatabase } from "../lib/db/private-server";

const command = process.argv[2];
try {
  if (command === "start") {
    const url = await startPrivateDatabase();
    console.log(`Private database running: ${url.replace(/:[^:@]*@/, ":***@")}`);
  } else if (command === "stop") {
    console.log((await stopPrivateDatabase()) ? "Private database stopped." : "Private database was not running.");
  } else if (command === "status") {
    console.log(JSON.stringify(privateDatabaseStatus()));
  } else {
    console.error("usage: tsx scripts/db.ts start|stop|status");
    process.exitCode = 2;
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
