import type { NextConfig } from "next";
import { securityHeaders } from "./lib/security-headers";

/**
 * Next keeps a copy of each request body for the proxy, up to this many bytes (10 MB by default), and drops the
 * chunk that crosses it. The proxy reads the copy and answers 413 past 16 KB (lib/auth/guard.ts); a socket hands
 * over at most 64 KB at a time, so with 128 KB the proxy always sees more than its limit of a longer body.
 */
const bodyCopyBytes = 128 * 1024;

const config: NextConfig = {
  experimental: {
    proxyClientMaxBodySize: bodyCopyBytes,
    serverActions: { bodySizeLimit: bodyCopyBytes },
  },
  serverExternalPackages: ["pino", "pino-roll", "pino-pretty", "thread-stream", "mysql2", "xxhash-wasm"],
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default config;
