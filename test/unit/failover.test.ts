import { describe, expect, it } from "vitest";
import { isConnectionLost, nodeName, nodeUrls } from "../../lib/db/failover";

describe("the nodes of DATABASE_URL and DATABASE_HOSTS", () => {
  const primary = "mysql://imdb:s3cret@db1.example:3306/imdb";

  it("puts DATABASE_URL first and gives every other node its credentials and database", () => {
    expect(nodeUrls(primary, " db2.example:3307, db3.example ,,db1.example:3306")).toEqual([
      primary,
      "mysql://imdb:s3cret@db2.example:3307/imdb",
      "mysql://imdb:s3cret@db3.example/imdb",
    ]);
    expect(nodeUrls(primary, undefined)).toEqual([primary]);
  });

  it("names a node without its credentials", () => {
    expect(nodeName(primary)).toBe("db1.example:3306");
  });
});

describe("which errors mean the node is gone", () => {
  it("connection errors, fatal driver errors and a Galera node out of the cluster, also as a cause", () => {
    expect(isConnectionLost({ code: "ECONNREFUSED" })).toBe(true);
    expect(isConnectionLost({ code: "PROTOCOL_CONNECTION_LOST", fatal: true })).toBe(true);
    expect(isConnectionLost({ code: "ER_UNKNOWN_COM_ERROR" })).toBe(true);
    expect(isConnectionLost(new Error("Failed query", { cause: { code: "ECONNRESET" } }))).toBe(true);
  });

  it("not a query's own error", () => {
    expect(isConnectionLost({ code: "ER_DUP_ENTRY" })).toBe(false);
    expect(isConnectionLost(new Error("Maximum writeset size exceeded"))).toBe(false);
    expect(isConnectionLost(undefined)).toBe(false);
  });
});
