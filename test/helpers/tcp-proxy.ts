/**
 * A TCP proxy in front of the database server: a second "node" of the same data that a test can kill
 * (every connection reset, the port refusing new ones), as when a cluster node dies.
 */
import { createConnection, createServer, type Socket } from "node:net";

export interface TcpProxy {
  port: number;
  /** The URL `url` with this proxy's host and port. */
  through(url: string): string;
  kill(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port || 3306) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const listening = (server.address() as { port: number }).port;
  return {
    port: listening,
    through(url: string) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(listening);
      return u.toString();
    },
    async kill() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.resetAndDestroy();
      await closed;
    },
  };
}
