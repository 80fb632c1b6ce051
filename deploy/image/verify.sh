#!/usr/bin/env bash
# Runs the container image's build and start steps without a container engine (none on these machines, and the
# base image's registry is out of reach): the same deploy/image/steps.sh the Dockerfile's RUN lines call, in a
# clean directory, as an unprivileged user, and the image's ENTRYPOINT (tini → node bin/sluice.js worker) and
# HEALTHCHECK (node dist/worker/healthcheck.js) as they are written in the Dockerfile.
#
#   verify.sh build DIR   stage deps → build → runtime into DIR/app (as the Dockerfile's three stages)
#   verify.sh start DIR   exec the image's entrypoint + command in DIR/app as the unprivileged user
#   verify.sh             both, then wait for the health check, SIGTERM the worker, and expect a clean exit
#
# The worker reaches the stack named by the caller's SLUICE_* environment (the local stack by default).
# Runs as root (it creates the user SLUICE_VERIFY_USER, default sluice-verify) or as that user already.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
user=${SLUICE_VERIFY_USER:-sluice-verify}
say() { printf 'image-verify: %s\n' "$*" >&2; }

as_user() {
  if [ "$(id -un)" = "$user" ]; then "$@"; else runuser -u "$user" -- "$@"; fi
}

ensure_user() {
  [ "$(id -un)" = "$user" ] && return
  [ "$(id -u)" -eq 0 ] || { say "run as root or as $user"; exit 2; }
  id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
}

# The image's COPY lines, from the build context (.dockerignore lets in only these).
copy_context() {
  local dest=$1
  shift
  (cd "$repo" && cp -r --parents "$@" "$dest/")
}

build() {
  local dir=$1
  ensure_user
  rm -rf "$dir" && mkdir -p "$dir"/{deps,app,home}
  chmod 755 "$dir"
  # An npm cache of the user's own, seeded from the caller's so a CI run reuses what `npm install` fetched.
  if [ -d "${HOME:-/root}/.npm/_cacache" ]; then cp -r "${HOME:-/root}/.npm/_cacache" "$dir/home/npm-cache"; fi
  mkdir -p "$dir/home/npm-cache"
  local npm_env=(env HOME="$dir/home" npm_config_cache="$dir/home/npm-cache"
    npm_config_prefer_offline=true npm_config_update_notifier=false)

  say "stage deps: COPY package.json package-lock.json deploy/image/steps.sh; RUN steps.sh deps"
  copy_context "$dir/deps" package.json package-lock.json deploy/image/steps.sh
  chown -R "$user" "$dir"
  (cd "$dir/deps" && as_user "${npm_env[@]}" sh deploy/image/steps.sh deps)
  # The runtime stage copies node_modules from deps before the build stage adds its compiler.
  cp -a "$dir/deps/node_modules" "$dir/app/node_modules"

  say "stage build: FROM deps; COPY tsconfig.json tsconfig.build.json src; RUN steps.sh build"
  copy_context "$dir/deps" tsconfig.json tsconfig.build.json src
  chown -R "$user" "$dir/deps"
  (cd "$dir/deps" && as_user "${npm_env[@]}" sh deploy/image/steps.sh build)

  say "runtime stage: COPY --from=deps node_modules, --from=build dist, package.json, bin"
  cp -a "$dir/deps/dist" "$dir/app/dist"
  copy_context "$dir/app" package.json bin
  # As in the image: the app belongs to root and the user only reads it.
  chown -R root:root "$dir/app" 2>/dev/null || true
  chmod -R a+rX,go-w "$dir/app"
  [ -f "$dir/app/dist/workflows/bundle.js" ] || { say "the workflow bundle is missing"; exit 1; }
  [ ! -e "$dir/app/node_modules/typescript" ] || { say "typescript leaked into the runtime dependencies"; exit 1; }
  say "built $dir/app ($(du -sh "$dir/app" | cut -f1), node_modules $(du -sh "$dir/app/node_modules" | cut -f1))"
}

start() {
  local dir=$1
  ensure_user
  command -v tini >/dev/null || { say "tini is missing: run .ci/install-tini"; exit 2; }
  cd "$dir/app"
  # The image's ENV lines, then the caller's SLUICE_* settings (the stack to reach), as ECS would pass them.
  local env=(NODE_ENV=production SLUICE_WORKER_HEALTH_PORT="${SLUICE_WORKER_HEALTH_PORT:-8080}"
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true HOME="$dir/home" PATH="$PATH")
  while IFS= read -r kv; do env+=("$kv"); done < <(env | grep -E '^(SLUICE_|AWS_)' | grep -v '^SLUICE_WORKER_HEALTH_PORT=' || true)
  # ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/sluice.js"] + CMD ["worker"]
  # setpriv execs in place (runuser would fork and stand between tini and the signal).
  exec setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
    env -i "${env[@]}" "$(command -v tini)" -- node bin/sluice.js worker
}

healthy() {
  # HEALTHCHECK CMD ["node", "dist/worker/healthcheck.js"], run inside the "container" as its user.
  (cd "$1/app" && runuser -u "$user" -- env -i PATH="$PATH" SLUICE_WORKER_HEALTH_PORT="${SLUICE_WORKER_HEALTH_PORT:-8080}" \
    node dist/worker/healthcheck.js)
}

case "${1:-all}" in
  build) build "${2:?directory}" ;;
  start) start "${2:?directory}" ;;
  health) healthy "${2:?directory}" ;;
  all)
    dir=${2:-$(mktemp -d /tmp/sluice-image.XXXXXX)}
    t0=$(date +%s)
    build "$dir"
    say "build took $(($(date +%s) - t0)) s"
    "$0" start "$dir" &
    pid=$!
    for _ in $(seq 1 90); do
      if healthy "$dir" 2>/dev/null; then break; fi
      kill -0 "$pid" 2>/dev/null || { say "the worker exited before it was healthy"; wait "$pid"; exit 1; }
      sleep 1
    done
    healthy "$dir" || { say "no healthy answer within 90 s"; kill -TERM "$pid"; exit 1; }
    say "healthy; stopping it with SIGTERM as ECS would"
    kill -TERM "$pid"
    wait "$pid" && rc=0 || rc=$?
    [ "$rc" -eq 0 ] || { say "the worker exited with $rc on SIGTERM"; exit 1; }
    say "ok: built, started, healthy, stopped cleanly ($(($(date +%s) - t0)) s)"
    ;;
  *) say "usage: verify.sh [build DIR | start DIR | health DIR]"; exit 2 ;;
esac
