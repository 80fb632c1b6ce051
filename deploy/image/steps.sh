#!/bin/sh
# The container image's build steps, one place: the Dockerfile's RUN lines call this script, and
# deploy/image/verify.sh runs the same steps in a clean directory as an unprivileged user on machines without a
# container engine. Run from the application directory (the image's /app).
set -eu
case "${1:-}" in
  deps)
    # Production dependencies only, exactly as package-lock.json pins them. `npm install`, not `npm ci`: see
    # README (the lockfile comes from a mirror that lacks other platforms' optional binaries). Install scripts
    # are skipped: no production dependency needs one (Temporal's core bridge ships prebuilt binaries).
    npm install --omit=dev --ignore-scripts --no-audit --no-fund
    ;;
  build)
    # The compiler and Node's types, at package.json's pinned versions, go in a directory of their own: not the
    # whole dev tree (the CDK, test runner and linter have no place in an image build), and not node_modules,
    # which the runtime stage copies.
    tools=$(mktemp -d)
    pins=$(node -p "const d = require('./package.json').devDependencies; ['typescript', '@types/node'].map((n) => n + '@' + d[n]).join(' ')")
    # shellcheck disable=SC2086
    npm install --prefix "$tools" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund $pins
    "$tools/node_modules/.bin/tsc" -p tsconfig.build.json --typeRoots "$tools/node_modules/@types"
    rm -rf "$tools"
    # The prebuilt workflow bundle: the worker loads it instead of running webpack at start.
    node dist/worker/bundle-workflows.js
    ;;
  *)
    echo "usage: steps.sh deps|build" >&2
    exit 2
    ;;
esac
