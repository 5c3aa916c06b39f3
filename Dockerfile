# syntax=docker/dockerfile:1
# smartspec-rollback: build with `docker build -t smartspec-rollback .`
# Every stage uses the same Debian-based Node image. On it (Node 22.14 and later, Node-API 10) the bot
# loads better-sqlite3 13, which ships a prebuilt Node-API binary: the runtime's node_modules holds no
# compiled code. The optional better-sqlite3-node20 (12.x, for Node 20 only) is left out there.
ARG NODE_IMAGE=node:22-bookworm-slim

# --- toolchain: what node-gyp needs to compile the optional 12.x in the build stage's full install ---
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# --- prod-deps: production dependencies only; no optional ones (the Node 20 driver, pg-cloudflare) ---
FROM toolchain AS prod-deps
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --omit=optional --no-audit --no-fund

# --- build: all dependencies, src/ → one bundle per entry in dist/ (in parallel with prod-deps) ---
FROM toolchain AS build
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# --- runtime: no compiler, no npm cache, no sources, no dev dependencies ----------------------
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 reaps the grandchildren of smoke commands and forwards SIGTERM to node.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# The heap sized to the bot, not to the node: unbounded, V8 grows its heap with the machine's memory
# (~400 MB RSS after 1,000 rollbacks on a 24 GiB host) although the live objects stay near 40 MB.
# 64 MB of old generation and 1 MB semi-spaces, with --liftoff-only below, keep RSS flat near
# 125 MB (docs/BENCHMARKS.md); two malloc arenas instead of one per thread keep native
# fragmentation down. The Kubernetes
# manifests set the same values beside the container's memory limit: change them together.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=64 --max-semi-space-size=1" \
    MALLOC_ARENA_MAX=2 \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATABASE_PATH=/data/smartspec.db \
    SMARTSPEC_CONFIG=/config/smartspec.yml
WORKDIR /app
# package.json carries "type": "module", which dist/ needs to load as ESM.
COPY --from=prod-deps /app/node_modules ./node_modules
# The bundles hold every pure-JavaScript dependency (their license notices in main.mjs.LEGAL.txt);
# node_modules is here for the native better-sqlite3 (and anything else scripts/bundle.ts keeps external).
COPY --from=build /app/dist/main.mjs /app/dist/cli.mjs /app/dist/main.mjs.LEGAL.txt ./dist/
COPY package.json ./
# The image's `node` user (uid 1000). Numeric, so Kubernetes can verify runAsNonRoot.
RUN mkdir -p /data /config && chown 1000:1000 /data
USER 1000:1000
VOLUME ["/data"]
EXPOSE 3000
# Slim images have no curl: ask node's own fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "--liftoff-only", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# --liftoff-only: undici (the Kubernetes client, fetch) parses HTTP with llhttp compiled to
# WebAssembly, and V8 recompiles it with its optimizing compiler shortly after start: a burst of
# ~37 MB of native memory (Node 20; 14 MB on 22, 24 MB on 24) that glibc often cannot hand back,
# so RSS after 1,000 rollbacks was ~130 MB in some runs and ~151 MB in others. V8's baseline
# compiler alone needs under 1 MB for it and parses as fast here (32 µs a request either way).
# NODE_OPTIONS does not accept V8's wasm flags, so it is given here and in `npm start`.
CMD ["node", "--liftoff-only", "dist/main.mjs"]
