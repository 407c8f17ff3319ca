#!/usr/bin/env bash
# wrk against an authenticated repair list, GET /v1/orders?limit=20, and against the bare ceiling
# (fleetgate-bare-http: a constant ~150-byte JSON, one io thread) in the same run, alternating,
# with the ratios at the end (issue 7).
#   ./deploy/dev/up --detach && ./bench/run_repair_wrk.sh [--rounds 3] [--duration 20]
set -euo pipefail
# shellcheck source=deploy/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/dev/lib.sh"
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

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

for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || fg_die "$tool is missing (apt-get install -y $tool)"
done
build_dir=${FLEETGATE_BUILD_DIR:-$FG_REPO/build}
bare_bin=$build_dir/bin/fleetgate-bare-http
if [[ ! -x $bare_bin ]]; then
  fg_say "building fleetgate-bare-http"
  cmake --build "$build_dir" --target fleetgate-bare-http >/dev/null
fi

base=http://$host:$port
login=$(curl -sS -m 10 -X POST "$base/auth/token" --data-urlencode "username=$user" \
  --data-urlencode "password=$password") || fg_die "no gateway at $base (./deploy/dev/up --detach)"
token=$(jq -r '.access_token // empty' <<<"$login")
me=$(jq -r '.user_id // empty' <<<"$login")
[[ -n $token ]] || fg_die "POST /auth/token as $user failed: $login"
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')

# At least 20 orders, so that every request renders a full page.
have=$(curl -sS -m 10 "${auth[@]}" "$base/v1/orders?limit=20" | jq 'length')
if ((have < 20)); then
  fg_say "creating $((20 - have)) orders (one bench device of account $me)"
  t=$(date +%s)
  post() { curl -sS -m 10 "${auth[@]}" -X POST "$base$1" -d "$2"; }
  type_id=$(post /v1/devices/types "{\"name\":\"Bench laptop $t\"}" | jq -e .id)
  brand_id=$(post /v1/devices/brands "{\"name\":\"Bench brand $t\"}" | jq -e .id)
  model_id=$(post /v1/devices/models \
    "{\"brand_id\":$brand_id,\"name\":\"Bench model $t\",\"device_type_id\":$type_id}" | jq -e .id)
  device_id=$(post /v1/devices "{\"brand_id\":$brand_id,\"model_id\":$model_id,\
\"device_type_id\":$type_id,\"serial_number\":\"BENCH-$t\",\"owner_id\":$me}" | jq -e .id)
  for ((i = have; i < 20; i++)); do
    post /v1/orders "{\"device_id\":$device_id,\"customer_id\":$me,\"cost\":\"$((100 + i)).00\",\
\"discount\":\"10.00\",\"note\":\"bench order $i\"}" | jq -e .id >/dev/null
  done
fi
code=$(curl -sS -m 10 -o /tmp/fleetgate-bench-page.json -w '%{http_code}' "${auth[@]}" "$base$path")
[[ $code == 200 ]] || fg_die "GET $path answered $code, not 200"
page_bytes=$(wc -c </tmp/fleetgate-bench-page.json)

out=/tmp/fleetgate-bench-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$out"
bare_port=$(fg_free_port)
"$bare_bin" --port "$bare_port" --threads "$bare_threads" 2>"$out/bare.log" &
bare_pid=$!
trap 'kill "$bare_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do fg_port_busy "$bare_port" && break; sleep 0.1; done
bare_bytes=$(curl -sS -m 5 "http://127.0.0.1:$bare_port$path" | wc -c)
gw_pid=$(cat "$FG_REPO/.dev/run/fleetgate-gateway.pid" 2>/dev/null || true)

# One wrk run; prints "req/s p50 p90 p99 non200" (ms).
run() {
  local name=$1 url=$2 log=$out/$1-$3.txt
  BENCH_TOKEN=$token BENCH_PATH=$path wrk -t"$threads" -c"$connections" -d"${duration}s" \
    --latency -s "$bench_dir/wrk/device_all.lua" "$url" >"$log" 2>&1
  local rps p50 p90 p99 other
  rps=$(awk '/^requests\/s/ {gsub(",", "", $2); print $2}' "$log")
  read -r p50 p90 p99 < <(awk '/^latency ms:/ {print $4, $6, $8}' "$log")
  other=$(awk '/^status counts:/ {n = 0; for (i = 3; i <= NF; i++) { split($i, a, "=");
    if (a[1] != 200) n += a[2] } print n}' "$log")
  echo "$rps $p50 $p90 $p99 $other"
}

fg_say "GET $path: gateway page $page_bytes bytes, bare $bare_bytes bytes; $rounds rounds of" \
  "${duration}s, $connections connections, $threads wrk thread(s); results in $out"
printf '| round | server | requests/s | p50 ms | p90 ms | p99 ms | non-200 | other CPU (load avg) |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- |\n'
: >"$out/results"
for ((r = 1; r <= rounds; r++)); do
  for side in bare gateway; do
    if [[ $side == bare ]]; then url=http://127.0.0.1:$bare_port; else url=$base; fi
    read -r rps p50 p90 p99 other < <(run "$side" "$url" "$r")
    load=$(cut -d' ' -f1 /proc/loadavg)
    printf '| %d | %s | %s | %s | %s | %s | %s | %s |\n' "$r" "$side" "$rps" "$p50" "$p90" "$p99" \
      "$other" "$load"
    echo "$r $side $rps $p50 $p90 $p99 $other" >>"$out/results"
  done
done

# Ratios from the medians of the rounds.
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -v s="$1" -v c="$2" '$2 == s {print $c}' "$out/results" | median; }
b_rps=$(col bare 3); g_rps=$(col gateway 3); b_p50=$(col bare 4); g_p50=$(col gateway 4)
b_p99=$(col bare 6); g_p99=$(col gateway 6)
echo
printf 'medians of %d rounds: bare %s req/s (p50 %s ms, p99 %s ms), gateway %s req/s (p50 %s ms, p99 %s ms)\n' \
  "$rounds" "$b_rps" "$b_p50" "$b_p99" "$g_rps" "$g_p50" "$g_p99"
awk -v g="$g_rps" -v b="$b_rps" -v gp="$g_p50" -v bp="$b_p50" -v g9="$g_p99" -v b9="$b_p99" 'BEGIN {
  printf "gateway / bare: throughput %.3f, p50 latency %.1fx, p99 latency %.1fx\n", g / b, gp / bp, g9 / b9 }'
[[ -n $gw_pid ]] && echo "gateway pid $gw_pid (GATEWAY_THREADS as started), bare: $bare_threads io thread(s)"
