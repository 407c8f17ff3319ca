#!/usr/bin/env bash
# The gateway's own overhead on one read (issue 9 item 5): p50 of device-session's GetDevice
# called directly over one gRPC channel, one call at a time, and p50 of GET /device/{id} through
# the gateway over one keep-alive connection, one request at a time; then the difference. Also
# the direct calls/s with N concurrent callers on that channel. Starts nothing: the stack must
# be up (./deploy/dev/up --detach), as for run_wrk.sh.
#   ./deploy/dev/up --detach && ./bench/run_grpc_direct.sh [--duration 10] [--rounds 3]
set -euo pipefail
# shellcheck source=deploy/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/dev/lib.sh"

usage() {
  cat <<'USAGE'
usage: bench/run_grpc_direct.sh [options]
  --host H           gateway host [127.0.0.1]
  --port P           gateway port [$GATEWAY_PORT or 8000]
  --target ADDR      device-session [$DEVICE_SESSION_ADDR or 127.0.0.1:${DEVICE_SESSION_GRPC_PORT:-50053}]
  --user U           rental user [$ADMIN_USERNAME or admin]
  --password PW      its password [$ADMIN_PASSWORD or admin]
  --device ID        device to read [1]
  --duration S       seconds measured per phase [5]
  --concurrency N    concurrent gRPC callers for calls/s [8]
  --rounds N         direct/gateway pairs, alternating; p50s are their medians [3]
USAGE
}

host=127.0.0.1
port=${GATEWAY_PORT:-8000}
target=${DEVICE_SESSION_ADDR:-127.0.0.1:${DEVICE_SESSION_GRPC_PORT:-50053}}
user=${ADMIN_USERNAME:-admin}
password=${ADMIN_PASSWORD:-admin}
device=1
duration=5
concurrency=8
rounds=3
while (($#)); do
  case $1 in
    --host) host=$2; shift ;;
    --port) port=$2; shift ;;
    --target) target=$2; shift ;;
    --user) user=$2; shift ;;
    --password) password=$2; shift ;;
    --device) device=$2; shift ;;
    --duration) duration=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

for tool in curl jq; do
  command -v "$tool" >/dev/null || fg_die "$tool is missing (apt-get install -y $tool)"
done
build_dir=${FLEETGATE_BUILD_DIR:-$FG_REPO/build}
tool=$build_dir/bin/fleetgate-read-latency
if [[ ! -x $tool ]]; then
  fg_say "building fleetgate-read-latency"
  cmake --build "$build_dir" -j2 --target fleetgate-read-latency >/dev/null
fi

base=http://$host:$port
login=$(curl -sS -m 10 -X POST "$base/auth/token" --data-urlencode "username=$user" \
  --data-urlencode "password=$password") || fg_die "no gateway at $base (./deploy/dev/up --detach)"
token=$(jq -r '.access_token // empty' <<<"$login")
[[ -n $token ]] || fg_die "POST /auth/token as $user failed: $login"
path=/device/$device
code=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path")
[[ $code == 200 ]] || fg_die "GET $path answered $code, not 200"

field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

fg_say "one read at a time: GetDevice($device) at $target vs GET $path at $base;" \
  "$rounds rounds of ${duration}s each"
printf '| round | path | calls | p50 µs | p90 µs | p99 µs |\n| --- | --- | --- | --- | --- | --- |\n'
direct_p50s=() gateway_p50s=() rates=()
for ((r = 1; r <= rounds; r++)); do
  out=$("$tool" --mode grpc --target "$target" --device "$device" --duration "$duration" \
    --concurrency "$concurrency")
  seq_line=$(grep '^mode=grpc ' <<<"$out")
  conc_line=$(grep '^mode=grpc-concurrent ' <<<"$out" || true)
  direct_p50s+=("$(field "$seq_line" p50_us)")
  [[ -n $conc_line ]] && rates+=("$(field "$conc_line" calls_per_s)")
  printf '| %d | direct gRPC | %s | %s | %s | %s |\n' "$r" "$(field "$seq_line" calls)" \
    "$(field "$seq_line" p50_us)" "$(field "$seq_line" p90_us)" "$(field "$seq_line" p99_us)"
  line=$(BENCH_TOKEN=$token "$tool" --mode http --host "$host" --port "$port" --path "$path" \
    --duration "$duration")
  gateway_p50s+=("$(field "$line" p50_us)")
  printf '| %d | gateway HTTP | %s | %s | %s | %s |\n' "$r" "$(field "$line" calls)" \
    "$(field "$line" p50_us)" "$(field "$line" p90_us)" "$(field "$line" p99_us)"
done

direct=$(printf '%s\n' "${direct_p50s[@]}" | median)
gateway=$(printf '%s\n' "${gateway_p50s[@]}" | median)
echo
printf 'p50 direct (device-session GetDevice over gRPC): %s µs\n' "$direct"
printf 'p50 through the gateway (GET %s, 1 connection): %s µs\n' "$path" "$gateway"
awk -v g="$gateway" -v d="$direct" 'BEGIN { printf "gateway overhead (p50 gateway - p50 direct): %.1f µs\n", g - d }'
if ((${#rates[@]})); then
  printf 'direct GetDevice with %d concurrent callers on one channel: %s calls/s (median)\n' \
    "$concurrency" "$(printf '%s\n' "${rates[@]}" | median)"
fi
