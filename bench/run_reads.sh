#!/usr/bin/env bash
# The authenticated read path of every surface against the bare ceiling, in one sitting (issue 9):
# for each endpoint, wrk against fleetgate-bare-http (a constant ~150-byte JSON, one io thread)
# and then against the gateway, and the ratio of their requests per second.
#   RATE_LIMITS=off ./deploy/dev/up --detach && ./bench/run_reads.sh [--duration 8] [--rounds 1]
# (users-v1 is limited to 10 requests/s per client by default, which one wrk client would measure)
set -euo pipefail
# shellcheck source=deploy/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/dev/lib.sh"
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib_vs_bare.sh
source "$bench_dir/lib_vs_bare.sh"

usage() {
  cat <<'USAGE'
usage: bench/run_reads.sh [options]
  --host H           gateway host [127.0.0.1]
  --port P           gateway port [$GATEWAY_PORT or 8000]
  --user U           an admin's username [$ADMIN_USERNAME or admin]
  --password PW      its password [$ADMIN_PASSWORD or admin]
  --duration S       seconds per wrk run [8]
  --connections C    open connections [64]
  --threads T        wrk threads [1: the servers need the other core]
  --rounds N         bare/gateway pairs per endpoint, alternating [1]
  --bare-threads N   io threads of the bare server [1]
USAGE
}

host=127.0.0.1
port=${GATEWAY_PORT:-8000}
user=${ADMIN_USERNAME:-admin}
password=${ADMIN_PASSWORD:-admin}
duration=8
connections=64
threads=1
rounds=1
bare_threads=1
while (($#)); do
  case $1 in
    --host) host=$2; shift ;;
    --port) port=$2; shift ;;
    --user) user=$2; shift ;;
    --password) password=$2; shift ;;
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
for _ in {1..25}; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    "$base/api/v1/users/$me")
  [[ $code != 429 ]] || fg_die "users-v1 answers 429 (its rate limit): restart with" \
    "RATE_LIMITS=off ./deploy/dev/up --detach"
done
fg_bench_seed_orders "$base" "$token" "$me"

# endpoint, and the share of the bare ceiling that issue 9 asks of it.
endpoints=(
  "/device/1 0.30"
  "/device/all 0.20"
  "/user/$me 0.30"
  "/api/v1/users/$me 0.30"
  "/v1/orders?limit=20 0.20"
  "/api/lights/list?city=Delhi 0.20"
  "/pisync/devices 0.20"
)
# One token for every surface: the identity is shared (PLATFORM.md).
for row in "${endpoints[@]}"; do
  path=${row% *}
  code=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    "$base$path")
  [[ $code == 200 ]] || fg_die "GET $path answered $code, not 200"
done

# The repair, streetlight and pisync reads are answered from the gateway's response cache while
# their services' change feeds are live (README: the gateway's read path): wait for them.
for service in repair-shop streetlight sync; do
  for _ in $(seq 50); do
    curl -sS -m 10 "$base/metrics" | grep -qF "fleetgate_change_feed_current{service=\"$service\"} 1" &&
      break
    sleep 0.1
  done
done

out=/tmp/fleetgate-bench-reads-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$out"
bare_port=$(fg_free_port)
"$bare_bin" --port "$bare_port" --threads "$bare_threads" 2>"$out/bare.log" &
bare_pid=$!
trap 'kill "$bare_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do fg_port_busy "$bare_port" && break; sleep 0.1; done
gw_pid=$(cat "$FG_REPO/.dev/run/fleetgate-gateway.pid" 2>/dev/null || true)
svc_pids=
for name in fleetgate-user fleetgate-device-session fleetgate-repair-shop fleetgate-streetlight \
  fleetgate-sync mariadbd; do
  svc_pids+=" $(cat "$FG_REPO/.dev/run/$name.pid" 2>/dev/null || true)"
done
hz=$(getconf CLK_TCK)

fg_say "$rounds round(s) of ${duration}s per side, $connections connections, $threads wrk" \
  "thread(s); bare: $bare_threads io thread(s); logs in $out"
printf '| GET | bare req/s | gateway req/s | gateway / bare | goal | gateway p50 ms | gateway p99 ms | non-200 | gateway CPU | services CPU |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
n=0
for row in "${endpoints[@]}"; do
  path=${row% *}
  goal=${row##* }
  n=$((n + 1))
  : >"$out/results-$n"
  for ((r = 1; r <= rounds; r++)); do
    read -r rps _ _ _ _ _ _ _ < <(fg_bench_wrk "$token" "$path" "bare-$n" \
      "http://127.0.0.1:$bare_port" "$bare_pid" "$r")
    echo "bare $rps" >>"$out/results-$n"
    read -r rps p50 _ p99 other gcpu scpu _ < <(fg_bench_wrk "$token" "$path" "gateway-$n" "$base" \
      "$gw_pid" "$r")
    echo "gateway $rps $p50 $p99 $other $gcpu $scpu" >>"$out/results-$n"
  done
  col() { awk -v s="$1" -v c="$2" '$1 == s {print $c}' "$out/results-$n" | median; }
  awk -v p="$path" -v b="$(col bare 2)" -v g="$(col gateway 2)" -v goal="$goal" \
    -v p50="$(col gateway 3)" -v p99="$(col gateway 4)" -v o="$(col gateway 5)" \
    -v gc="$(col gateway 6)" -v sc="$(col gateway 7)" \
    'BEGIN { printf "| %s | %.0f | %.0f | %.3f %s | %.2f | %s | %s | %s | %s%% | %s%% |\n", p, b, g,
             g / b, (g / b >= goal) ? "" : "(below goal)", goal, p50, p99, o, gc, sc }'
done
echo "(medians of $rounds round(s); CPU as % of one core over the run, 200% = both cores;"
echo " services = user, device-session, repair-shop, streetlight, sync and MariaDB)"
# Hits show the cached reads were answered from memory (misses: the first read of each, and any
# read while a feed was not live).
curl -sS -m 10 "$base/metrics" | grep -E '^fleetgate_(response_cache_reads_total|change_feed_current)' ||
  true
