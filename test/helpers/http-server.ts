/**
 * A local HTTP server on 127.0.0.1 standing in for datasets.imdbws.com: each test sets how it answers,
 * and every request is recorded (path and conditional headers) so a test can check what the engine asked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RecordedRequest {
  path: string;
  ifNoneMatch: string | undefined;
  status?: number;
}

export interface TestServer {
  /** The base URL to use as settings.source.baseUrl (ends with a slash). */
  url: string;
  requests: RecordedRequest[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  let handler: Handler = (_req, res) => {
    res.statusCode = 404;
    res.end();
  };
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const recorded: RecordedRequest = { path: req.url ?? "", ifNoneMatch: req.headers["if-none-match"] };
    requests.push(recorded);
    res.on("finish", () => {
      recorded.status = res.statusCode;
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    handle(next) {
      handler = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Serves `body` with an ETag, answering 304 when the request's If-None-Match matches it. */
export function serveWithEtag(body: Buffer, etag: string): Handler {
  return (req, res) => {
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    res.writeHead(200, { etag, "content-type": "application/gzip", "content-length": body.length });
    res.end(body);
  };
}

/**
 * Serves `body` but holds it after its first 10 bytes until release(): a download, and so the run reading
 * it, stays in progress for as long as a test needs. `asked` resolves once the engine has requested it.
 */
export function holdDownload(server: TestServer, body: Buffer): { asked: Promise<void>; release(): void } {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let requested: () => void = () => {};
  const asked = new Promise<void>((resolve) => {
    requested = resolve;
  });
  server.handle((_req, res) => {
    requested();
    res.writeHead(200, { "content-length": body.length });
    res.write(body.subarray(0, 10));
    void held.then(() => res.end(body.subarray(10)));
  });
  return { asked, release };
}
