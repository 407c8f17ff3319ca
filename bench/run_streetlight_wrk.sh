#!/usr/bin/env bash
# wrk against an authenticated streetlight list, GET /api/lights/list?city=Delhi (the demo
# lights), and against the bare ceiling (fleetgate-bare-http: a constant ~150-byte JSON, and the
# gateway's own page as a constant; one io thread) in the same run, alternating, with the ratios
# at the end (issue 8). Adapted from run_repair_wrk.sh.
#   ./deploy/dev/up --detach && ./bench/run_streetlight_wrk.sh [--rounds 3] [--duration 20]
set -euo pipefail
# shellcheck source=deploy/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/dev/lib.sh"
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib_vs_bare.sh
source "$bench_dir/lib_vs_bare.sh"

usage() {
  cat <<'USAGE'
usage: bench/run_streetlight_wrk.sh [options]
  --host H           gateway host [127.0.0.1]
  --port P           gateway port [$GATEWAY_PORT or 8000]
  --email E          an account's email [$ADMIN_EMAIL or admin@example.com]
  --password PW      its password [$ADMIN_PASSWORD or admin]
  --path PATH        endpoint [/api/lights/list?city=Delhi]
  --duration S       seconds per wrk run [20]
  --connections C    open connections [64]
  --threads T        wrk threads [1: the servers need the other core]
  --rounds N         bare/gateway pairs, alternating [3]
  --bare-threads N   io threads of the bare server [1]
USAGE
}

host=127.0.0.1
port=${GATEWAY_PORT:-8000}
email=${ADMIN_EMAIL:-admin@example.com}
password=${ADMIN_PASSWORD:-admin}
path='/api/lights/list?city=Delhi'
duration=20
connections=64
threads=1
rounds=3
bare_threads=1
while (($#)); do
  case $1 in
    --host) host=$2; shift ;;
    --port) port=$2; shift ;;
    --email) email=$2; shift ;;
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
login=$(curl -sS -m 10 -H 'Content-Type: application/json' -X POST "$base/api/auth/login" \
  -d "$(jq -n --arg e "$email" --arg p "$password" '{email: $e, password: $p}')") ||
  fg_die "no gateway at $base (./deploy/dev/up --detach)"
token=$(jq -r '.data.token // empty' <<<"$login")
[[ -n $token ]] || fg_die "POST /api/auth/login as $email failed: $login"
auth=(-H "Authorization: Bearer $token")
code=$(curl -sS -m 10 -o /tmp/fleetgate-bench-lights.json -w '%{http_code}' "${auth[@]}" "$base$path")
[[ $code == 200 ]] || fg_die "GET $path answered $code, not 200"
fg_bench_vs_bare "$token" "$path" /tmp/fleetgate-bench-lights.json "streetlight + user + MariaDB" fleetgate-streetlight fleetgate-user mariadbd
