#!/usr/bin/env bash
# Installs the gateway's documentation assets (swagger-ui-dist, redoc) and the OpenAPI validator
# of the e2e tests (@apidevtools/swagger-parser) from deploy/web/package-lock.json into
# deploy/web/node_modules, with `npm ci`. Does nothing when that lock file is already installed.
# Needs node and npm (Debian: nodejs, npm). The gateway reads the assets from DOCS_ASSETS_DIR
# (default: this repository's deploy/web/node_modules); without them /docs and /redoc answer 503.
# Sourced (defines fg_web_assets) or executed (runs it).

fg_web_assets() {
  local web
  web=$(cd "$(dirname "${BASH_SOURCE[0]}")/../web" && pwd)
  command -v npm >/dev/null || { echo "error: npm is not installed (Debian: nodejs npm)" >&2; return 1; }
  local stamp=$web/node_modules/.fleetgate-lock.sha256 want
  want=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
  if [[ -f $stamp && $(<"$stamp") == "$want" ]]; then
    return 0
  fi
  printf '==> %s\n' "installing web assets into $web/node_modules (npm ci)" >&2
  # No install scripts: none of these packages needs one, and one of them only reports usage.
  (cd "$web" && SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  printf '%s\n' "$want" >"$stamp"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  fg_web_assets
fi
