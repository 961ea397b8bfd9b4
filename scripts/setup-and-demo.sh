#!/usr/bin/env bash
# One command on a fresh Debian machine: install what loaxa needs (Node.js >= 20.19,
# ffmpeg, socat, espeak-ng, a C++ toolchain for better-sqlite3/serialport when no
# prebuilt binary can be fetched), build loaxa, then run the self-contained demo station.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'
}

need=()
node_ok || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
for bin in ffmpeg socat espeak-ng; do command -v "$bin" >/dev/null 2>&1 || need+=("$bin"); done
command -v g++ >/dev/null 2>&1 || need+=(g++ make python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "loaxa: installing ${need[*]} (Debian packages)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
if ! node_ok; then
  echo "loaxa: Node.js >= 20.19 is needed (Debian 13 ships it); found $(node --version 2>/dev/null || echo none)" >&2
  exit 3
fi
npm ci --no-audit --no-fund
npm run build
exec node bin/loaxa demo "$@"
