# The console and its sync engine in one image; compose.yaml runs it beside MariaDB (see README, Container).
# Stages: deps (every npm package) → build (`next build` and the engine bundle) → runtime (production packages
# only, a non-root user). NODE_IMAGE must be a Debian-based Node.js 20+ image with a user `node`.
ARG NODE_IMAGE=docker.io/library/node:20-trixie-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
# npm reaches the registry given here (HTTP(S)_PROXY build args pass through as usual). A TLS-inspecting
# proxy's CA certificate can come in as the build secret `npm_ca`: mounted for this step only, never stored.
ARG NPM_CONFIG_REGISTRY=https://registry.npmjs.org/
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --no-audit --no-fund --loglevel=warn

FROM deps AS build
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
# The console's production build and three esbuild outputs that run on plain Node.js: the engine's CLI
# (.cache/etl-cli.mjs, as `npm run etl` builds it), `npm start`'s script with its server, and next.config with the
# files it imports (Next would need SWC to read a .ts config). Then only production packages stay, without the
# optional platform binaries (SWC, esbuild, sharp), which only building and image optimisation use.
RUN npm run build && npm run etl:build \
 && npx esbuild scripts/start.ts --bundle --platform=node --format=esm --packages=external \
      --outfile=.cache/start.mjs --log-level=warning \
 && npx esbuild next.config.ts --bundle --platform=node --packages=external --format=esm \
      --outfile=.cache/next.config.mjs --log-level=warning \
 && rm -rf .next/cache \
 && npm prune --omit=dev --omit=optional --no-audit --no-fund --loglevel=warn

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# Listens beyond loopback, so start.mjs refuses to start unless ADMIN_PASSWORD or ADMIN_TOKEN is set.
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=3000 DATA_DIR=/data LOG_DIR=/data/logs
COPY --from=build /app/package.json ./
COPY --from=build /app/.cache/next.config.mjs ./next.config.mjs
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/.next ./.next
COPY --from=build /app/.cache/start.mjs /app/.cache/etl-cli.mjs ./.cache/
COPY --from=build /app/data/sample ./data/sample
COPY --from=build /app/db/migrations ./db/migrations
# The code stays root's; the console writes only to /data (session secret, downloads, logs).
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Migrates the database, then serves the build made above (scripts/serve.ts, bundled into start.mjs; --prebuilt:
# no rebuild check).
CMD ["node", ".cache/start.mjs", "--prebuilt"]
