#!/usr/bin/env bash
# wrk against pisync's authenticated GET /pisync/devices and against the bare ceiling
# (fleetgate-bare-http, one io thread, answering the gateway's own page as a constant) in the same
# run, alternating, with the ratio at the end (issue 8).
#   ./deploy/dev/up --detach && ./bench/run_pisync_wrk.sh [--rounds 3] [--duration 15]
set -euo pipefail
# shellcheck source=deploy/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/dev/lib.sh"
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<'USAGE'
usage: bench/run_pisync_wrk.sh [options]
  --host H           gateway host [127.0.0.1]
  --port P           gateway port [$GATEWAY_PORT or 8000]
  --user U           a pisync user [john_doe, the demo user]
  --password PW      its password [password123]
  --path PATH        endpoint [/pisync/devices]
  --duration S       seconds per wrk run [15]
  --connections C    open connections [64]
  --threads T        wrk threads [1: the servers need the other core]
  --rounds N         bare/gateway pairs, alternating [3]
USAGE
}

host=127.0.0.1
port=${GATEWAY_PORT:-8000}
user=john_doe
password=password123
path=/pisync/devices
duration=15
connections=64
threads=1
rounds=3
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
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || fg_die "$tool is missing (apt-get install -y $tool)"
done
bare_bin=$FG_BIN_DIR/fleetgate-bare-http
if [[ ! -x $bare_bin ]]; then
  fg_say "building fleetgate-bare-http"
  cmake --build "$FG_BUILD_DIR" --target fleetgate-bare-http >/dev/null
fi

base=http://$host:$port
login=$(curl -sS -m 10 "$base/pisync/auth/login" -H 'Content-Type: application/json' \
  -d "$(jq -nc --arg u "$user" --arg p "$password" '{username: $u, password: $p}')") ||
  fg_die "no gateway at $base (./deploy/dev/up --detach)"
token=$(jq -r '.token // empty' <<<"$login")
[[ -n $token ]] || fg_die "POST /pisync/auth/login as $user failed: $login"

out=/tmp/fleetgate-bench-pisync-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$out"
code=$(curl -sS -m 10 -o "$out/page.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
  "$base$path")
[[ $code == 200 ]] || fg_die "GET $path answered $code, not 200"
page_bytes=$(wc -c <"$out/page.json")

# The ceiling answers the gateway's own page, so both sides send the same bytes.
bare_port=$(fg_free_port)
"$bare_bin" --port "$bare_port" --threads 1 --body-file "$out/page.json" 2>"$out/bare.log" &
bare_pid=$!
trap 'kill "$bare_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do fg_port_busy "$bare_port" && break; sleep 0.1; done
gw_pid=$(cat "$FG_DEV_DIR/run/fleetgate-gateway.pid" 2>/dev/null || true)
hz=$(getconf CLK_TCK)
ticks() { # CPU ticks of a pid, or of the whole machine (busy) with "all"
  if [[ $1 == all ]]; then
    awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
  elif [[ -r /proc/$1/stat ]]; then
    awk '{print $14 + $15}' "/proc/$1/stat"
  else
    echo 0
  fi
}

# One wrk run; prints "req/s p50 p99 non200 server% machine%".
run() {
  local url=$1 server=$2 log=$3 s0 m0 t0 s1 m1 t1 rps p50 p99 other
  s0=$(ticks "$server"); m0=$(ticks all); t0=$(date +%s.%N)
  BENCH_TOKEN=$token BENCH_PATH=$path wrk -t"$threads" -c"$connections" -d"${duration}s" \
    --latency -s "$bench_dir/wrk/device_all.lua" "$url" >"$log" 2>&1
  s1=$(ticks "$server"); m1=$(ticks all); t1=$(date +%s.%N)
  rps=$(awk '/^requests\/s/ {gsub(",", "", $2); print $2}' "$log")
  read -r p50 p99 < <(awk '/^latency ms:/ {print $4, $8}' "$log")
  other=$(awk '/^status counts:/ {n = 0; for (i = 3; i <= NF; i++) { split($i, a, "=");
    if (a[1] != 200) n += a[2] } print n}' "$log")
  awk -v r="$rps" -v a="$p50" -v c="$p99" -v o="$other" -v s=$((s1 - s0)) -v m=$((m1 - m0)) \
    -v hz="$hz" -v t="$(echo "$t1 - $t0" | bc)" \
    'BEGIN { printf "%s %s %s %s %.0f %.0f\n", r, a, c, o, 100 * s / hz / t, 100 * m / hz / t }'
}

fg_say "GET $path ($page_bytes bytes): $rounds rounds of ${duration}s, $connections connections," \
  "$threads wrk thread(s); results in $out"
printf '| round | server | requests/s | p50 ms | p99 ms | non-200 | server CPU | machine CPU |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- |\n'
: >"$out/results"
for ((r = 1; r <= rounds; r++)); do
  for side in bare gateway; do
    if [[ $side == bare ]]; then url=http://127.0.0.1:$bare_port server=$bare_pid
    else url=$base server=${gw_pid:-0}; fi
    read -r rps p50 p99 other scpu mcpu < <(run "$url" "$server" "$out/$side-$r.txt")
    printf '| %d | %s | %s | %s | %s | %s | %s%% | %s%% |\n' "$r" "$side" "$rps" "$p50" "$p99" \
      "$other" "$scpu" "$mcpu"
    echo "$r $side $rps $p50 $p99 $other $scpu $mcpu" >>"$out/results"
  done
done
echo "(CPU: % of one core over the run; machine: every process, 200% = both cores)"
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -v s="$1" -v c="$2" '$2 == s {print $c}' "$out/results" | median; }
for side in bare gateway; do
  printf 'median of %d rounds, %-8s %8s req/s, p50 %s ms, p99 %s ms\n' "$rounds" "$side:" \
    "$(col "$side" 3)" "$(col "$side" 4)" "$(col "$side" 5)"
done
awk -v g="$(col gateway 3)" -v b="$(col bare 3)" 'BEGIN { printf "gateway / bare: %.3f\n", g / b }'
