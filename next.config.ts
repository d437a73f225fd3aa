import type { NextConfig } from "next";

const config: NextConfig = {
  serverExternalPackages: ["pino", "pino-roll", "pino-pretty", "thread-stream", "mysql2", "xxhash-wasm"],
  poweredByHeader: false,
};

export default config;
