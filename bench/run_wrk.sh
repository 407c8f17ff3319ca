#!/usr/bin/env bash
# HTTP throughput of an authenticated GET /device/all through the gateway, with wrk.
#   ./deploy/dev/up --detach && ./bench/run_wrk.sh [--duration 30] [--connections 64]
set -euo pipefail
# shellcheck source=deploy/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/dev/lib.sh"

usage() {
  cat <<'USAGE'
usage: bench/run_wrk.sh [options]
  --host H           gateway host [127.0.0.1]
  --port P           gateway port [$GATEWAY_PORT or 8000]
  --user U           rental user [$ADMIN_USERNAME or admin]
  --password PW      its password [$ADMIN_PASSWORD or admin]
  --path PATH        endpoint [/device/all]
  --duration S       seconds [30]
  --connections C    open connections [64]
  --threads T        wrk threads [1: the gateway needs the other core]
USAGE
}

host=127.0.0.1
port=${GATEWAY_PORT:-8000}
user=${ADMIN_USERNAME:-admin}
password=${ADMIN_PASSWORD:-admin}
path=/device/all
duration=30
connections=64
threads=1
while (($#)); do
  case $1 in
    --host) host=$2; shift ;;
    --port) port=$2; shift ;;
    --user) user=$2; shift ;;
    --password) password=$2; shift ;;
    --path) path=$2; shift ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --threads) threads=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

if ! command -v wrk >/dev/null; then
  [[ $(id -u) -eq 0 ]] || fg_die "wrk is missing (apt-get install -y wrk)"
  fg_say "installing wrk"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
fi
for tool in curl jq; do
  command -v "$tool" >/dev/null || fg_die "$tool is missing (apt-get install -y $tool)"
done

base=http://$host:$port
login=$(curl -sS -m 10 -X POST "$base/auth/token" --data-urlencode "username=$user" \
  --data-urlencode "password=$password") || fg_die "no gateway at $base (./deploy/dev/up --detach)"
token=$(jq -r '.access_token // empty' <<<"$login")
[[ -n $token ]] || fg_die "POST /auth/token as $user failed: $login"

# One request first: wrk happily measures a fast stream of 404s.
code=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path")
[[ $code == 200 ]] || fg_die "GET $path answered $code, not 200"

fg_say "wrk: GET $path, $connections connections, $threads thread(s), ${duration}s"
BENCH_TOKEN=$token BENCH_PATH=$path wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
  -s "$(dirname "${BASH_SOURCE[0]}")/wrk/device_all.lua" "$base"
