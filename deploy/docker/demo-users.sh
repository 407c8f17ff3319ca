#!/bin/sh
# pisync's demo users, registered through the gateway as deploy/dev/up does: compose runs this
# once the gateway is healthy (service demo-users). An account that already exists is fine, so a
# second `up` passes. GATEWAY_URL: the gateway [http://gateway:8000]; DEMO_USERS=off: nothing.
set -eu
url=${GATEWAY_URL:-http://gateway:8000}
[ "${DEMO_USERS:-on}" = off ] && exit 0
body=$(mktemp)
trap 'rm -f "$body"' EXIT

register() { # USERNAME PASSWORD
  code=$(curl -sS -m 10 -o "$body" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" "$url/pisync/auth/register") || code=000
  if [ "$code" = 201 ] || { [ "$code" = 400 ] && grep -q 'already exists' "$body"; }; then
    echo "demo user $1: ready"
    return 0
  fi
  cat "$body" >&2
  echo "demo user $1: HTTP $code" >&2
  exit 1
}

register john_doe password123
register jane_smith securePass456
