# syntax=docker/dockerfile:1
# Sluice's container image: `sluice worker` by default; the same image runs `backlog-publisher` and `intake`
# (ECS overrides the command). Build: docker build -t sluice:$(git rev-parse --short HEAD) .
# The build steps live in deploy/image/steps.sh, which deploy/image/verify.sh also runs (see README).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY deploy/image/steps.sh deploy/image/steps.sh
RUN sh deploy/image/steps.sh deps

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN sh deploy/image/steps.sh build

FROM ${NODE_IMAGE}
# tini as PID 1: forwards SIGTERM (an ECS task stop) to the CLI, which passes it to the worker (see
# src/worker/heap-limit.ts) for its graceful shutdown, and reaps what a child leaves behind.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    SLUICE_WORKER_HEALTH_PORT=8080 \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# The base image's unprivileged user; nothing in /app is writable by it.
USER node
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "dist/worker/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/sluice.js"]
CMD ["worker"]
