#!/usr/bin/env bash
# wrk against an authenticated repair list, GET /v1/orders?limit=20, and against the bare ceiling
# (fleetgate-bare-http: a constant ~150-byte JSON, one io thread) in the same run, alternating,
# with the ratios at the end (issue 7).
#   ./deploy/dev/up --detach && ./bench/run_repair_wrk.sh [--rounds 3] [--duration 20]
set -euo pipefail
# shellcheck source=deploy/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/dev/lib.sh"
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib_vs_bare.sh
source "$bench_dir/lib_vs_bare.sh"

usage() {
  cat <<'USAGE'
usage: bench/run_repair_wrk.sh [options]
  --host H           gateway host [127.0.0.1]
  --port P           gateway port [$GATEWAY_PORT or 8000]
  --user U           a staff account's username [$ADMIN_USERNAME or admin]
  --password PW      its password [$ADMIN_PASSWORD or admin]
  --path PATH        endpoint [/v1/orders?limit=20]
  --duration S       seconds per wrk run [20]
  --connections C    open connections [64]
  --threads T        wrk threads [1: the servers need the other core]
  --rounds N         bare/gateway pairs, alternating [3]
  --bare-threads N   io threads of the bare server [1]
USAGE
}

host=127.0.0.1
port=${GATEWAY_PORT:-8000}
user=${ADMIN_USERNAME:-admin}
password=${ADMIN_PASSWORD:-admin}
path='/v1/orders?limit=20'
duration=20
connections=64
threads=1
rounds=3
bare_threads=1
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
    --rounds) rounds=$2; shift ;;
    --bare-threads) bare_threads=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

fg_bench_check_tools

base=http://$host:$port
login=$(curl -sS -m 10 -X POST "$base/auth/token" --data-urlencode "username=$user" \
  --data-urlencode "password=$password") || fg_die "no gateway at $base (./deploy/dev/up --detach)"
token=$(jq -r '.access_token // empty' <<<"$login")
me=$(jq -r '.user_id // empty' <<<"$login")
[[ -n $token ]] || fg_die "POST /auth/token as $user failed: $login"
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')

fg_bench_seed_orders "$base" "$token" "$me"
code=$(curl -sS -m 10 -o /tmp/fleetgate-bench-page.json -w '%{http_code}' "${auth[@]}" "$base$path")
[[ $code == 200 ]] || fg_die "GET $path answered $code, not 200"
fg_bench_vs_bare "$token" "$path" /tmp/fleetgate-bench-page.json "repair-shop + user + MariaDB" fleetgate-repair-shop fleetgate-user mariadbd
