import { describe, expect, it } from "vitest";
import { privateDatabaseStatus, startPrivateDatabase } from "../../lib/db/private-server";

const privateServer = privateDatabaseStatus();

describe("the private database server", () => {
  it.skipIf(!privateServer.running)("is reused by a second start: same process, same URL", async () => {
    const url = await startPrivateDatabase();
    const again = await startPrivateDatabase();
    expect(again).toBe(url);
    expect(privateDatabaseStatus().pid).toBe(privateServer.pid);
    expect(new URL(url).hostname).toBe("127.0.0.1");
  });
});
