#!/usr/bin/env bash
# The countdown fan-out benchmark against a running gateway, with the bare broadcaster as the
# ceiling measured in the same run. See bench/README.md.
#   ./deploy/dev/up --detach && ./bench/run_fanout.sh
set -euo pipefail
# shellcheck source=deploy/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/dev/lib.sh"

usage() {
  cat <<'USAGE'
usage: bench/run_fanout.sh [options]
  --host H            gateway host [127.0.0.1]
  --port P            gateway port [$GATEWAY_PORT or 8000]
  --ws-ports P,P      the gateways whose sockets are measured, half the sockets on each
                      (./deploy/dev/up --replicas 2: 8001,8002) [the --port]
  --user U            rental admin user [$ADMIN_USERNAME or admin]
  --password PW       its password [$ADMIN_PASSWORD or admin]
  --device ID         device whose countdown is watched [1]
  --sizes "N ..."     socket counts [1000 10000]
  --duration S        measurement window per run, seconds [30]
  --connect-rate R    new sockets per second [1000]
  --threads T         load tool io threads [1]
  --bare-port P       port for the bare broadcaster [a free one]
  --gateway-pid PID   gateway process for RSS [.dev/run/fleetgate-gateway.pid, else who listens]
  --rounds R          runs of each server per size, alternating; ratios use medians [1]
  --wait-idle PCT     before each pair of runs, wait (15 min at most) until the machine is at
                      most PCT% busy: other people's builds share these cores
  --out DIR           where JSON reports and logs go [/tmp/fleetgate-bench-<time>]
  --bare-only         skip the gateway (baseline: the load tool against the bare broadcaster)
  --bare-vs-bare      a second fresh bare broadcaster plays the gateway's part: how far the
                      ratios move by chance on this machine
Binaries come from $FLEETGATE_BUILD_DIR/bin [build/bin]; they are built when missing.
USAGE
}

host=127.0.0.1
port=${GATEWAY_PORT:-8000}
user=${ADMIN_USERNAME:-admin}
password=${ADMIN_PASSWORD:-admin}
device=1
sizes="1000 10000"
duration=30
connect_rate=1000
threads=1
bare_port=
gateway_pid=
out=
bare_only=0
bare_vs_bare=0
ws_ports=
rounds=1
wait_idle=
while (($#)); do
  case $1 in
    --host) host=$2; shift ;;
    --port) port=$2; shift ;;
    --ws-ports) ws_ports=$2; shift ;;
    --user) user=$2; shift ;;
    --password) password=$2; shift ;;
    --device) device=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --duration) duration=$2; shift ;;
    --connect-rate) connect_rate=$2; shift ;;
    --threads) threads=$2; shift ;;
    --bare-port) bare_port=$2; shift ;;
    --gateway-pid) gateway_pid=$2; shift ;;
    --out) out=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --wait-idle) wait_idle=$2; shift ;;
    --bare-only) bare_only=1 ;;
    --bare-vs-bare) bare_vs_bare=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

for tool in curl jq; do
  command -v "$tool" >/dev/null || fg_die "$tool is missing (apt-get install -y $tool)"
done
load=$FG_BIN_DIR/fleetgate-fanout-load
bare=$FG_BIN_DIR/fleetgate-bare-broadcaster
if [[ ! -x $load || ! -x $bare ]]; then
  fg_say "building the bench tools in $FG_BUILD_DIR"
  export CCACHE_BASEDIR=$FG_REPO CCACHE_NOHASHDIR=1
  cmake -S "$FG_REPO" -B "$FG_BUILD_DIR" -G Ninja >/dev/null
  cmake --build "$FG_BUILD_DIR" --target fleetgate-fanout-load fleetgate-bare-broadcaster
fi
out=${out:-/tmp/fleetgate-bench-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
base=http://$host:$port
fg_say "reports and logs in $out"

# ---- the gateway: token, a running session on the device, its pid -------------------------
token=
gateway_rss_start=
second=gateway
((bare_vs_bare)) && second="bare-b"
((bare_only)) && second=
if [[ $second == gateway ]]; then
  login=$(curl -sS -m 10 -X POST "$base/auth/token" --data-urlencode "username=$user" \
    --data-urlencode "password=$password") || fg_die "no gateway at $base (./deploy/dev/up --detach)"
  token=$(jq -r '.access_token // empty' <<<"$login")
  uid=$(jq -r '.user_id // empty' <<<"$login")
  [[ -n $token && -n $uid ]] || fg_die "POST /auth/token as $user failed: $login"
  auth=(-H "Authorization: Bearer $token")

  # A session long enough for every run: start one unless the device already counts down.
  needed=$(($(wc -w <<<"$sizes") * rounds * 2 * (duration + 60) + 120))
  dev=$(curl -sS -m 10 -w '\n%{http_code}' "${auth[@]}" "$base/device/$device")
  code=${dev##*$'\n'}
  dev=${dev%$'\n'*}
  [[ $code == 200 ]] || fg_die "GET /device/$device answered $code: $dev (does this gateway serve the rental devices yet?)"
  left=$(jq -r 'try .time_left // empty' <<<"$dev" 2>/dev/null || true)
  if [[ -z $left || ${left%.*} -lt $needed ]]; then
    if [[ -n $left ]]; then
      fg_say "device $device has only ${left}s left; stopping it to start a fresh session"
      curl -sS -m 10 -X POST "${auth[@]}" "$base/device/stop/$device" >/dev/null || true
    fi
    # Starting charges the wallet: make sure the admin can pay for an hour.
    curl -sS -m 10 -X PATCH "${auth[@]}" -H 'Content-Type: application/json' \
      -d '{"cash":100}' "$base/user/$uid" >/dev/null
    started=$(curl -sS -m 10 -w '\n%{http_code}' -X POST "${auth[@]}" \
      -H 'Content-Type: application/json' -H "X-Idempotency-Key: bench-$(date +%s%N)" \
      -d "{\"user_id\":$uid,\"duration_minutes\":60}" "$base/device/start/$device")
    code=${started##*$'\n'}
    [[ $code == 200 ]] || fg_die "POST /device/start/$device answered $code: ${started%$'\n'*}"
    fg_say "started device $device for user $uid: ${started%$'\n'*}"
  else
    fg_say "device $device is running with ${left}s left"
  fi

  if [[ -n $ws_ports && $ws_ports == *,* ]]; then
    gateway_pid=0  # several gateways: no one process's memory and CPU to show
    fg_say "sockets spread over the gateways on ports $ws_ports"
  fi
  if [[ -z $gateway_pid && -f $FG_DEV_DIR/run/fleetgate-gateway.pid ]]; then
    gateway_pid=$(<"$FG_DEV_DIR/run/fleetgate-gateway.pid")
  fi
  if [[ -z $gateway_pid ]]; then
    gateway_pid=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
  fi
  if [[ -n $gateway_pid ]] && fg_alive "$gateway_pid" fleetgate-gateway; then
    nofile=$(awk '/Max open files/ {print $4}' "/proc/$gateway_pid/limits")
    fg_say "gateway pid $gateway_pid (open-file limit $nofile)"
    for n in $sizes; do
      ((nofile >= n + 100)) || fg_say "warning: the gateway's open-file limit $nofile is too low for $n sockets"
    done
  else
    fg_say "warning: no local gateway process found; memory per socket will be missing"
    gateway_pid=0
  fi
fi

# The gateway's /metrics, reduced to what shows the fan-out: the upstream streams gauge
# (one per watched device), open timeleft sockets, sockets dropped as slow; or a note why not.
upstream_streams() {
  local body
  if ! body=$(curl -sS -m 5 -f "$base/metrics" 2>/dev/null); then
    echo "(no /metrics endpoint)"
    return
  fi
  local streams sockets dropped
  streams=$(awk '$1 ~ /^fleetgate_upstream_device_streams($|\{)/ {print $1 "=" $2}' <<<"$body" |
    tr '\n' ' ')
  sockets=$(awk '$1 == "fleetgate_ws_connections{kind=\"timeleft\"}" {print $2}' <<<"$body")
  dropped=$(awk '$1 == "fleetgate_ws_dropped_slow_total" {print $2}' <<<"$body")
  if [[ -z $streams ]]; then
    streams="(gauge fleetgate_upstream_device_streams absent from /metrics) "
  fi
  echo "${streams}timeleft_sockets=${sockets:-?} dropped_slow=${dropped:-?}"
}

# ---- the runs ------------------------------------------------------------------------------
bare_pid=
stop_bare() {
  if [[ -n $bare_pid ]] && kill -0 "$bare_pid" 2>/dev/null; then
    kill -TERM "$bare_pid" 2>/dev/null || true
    wait "$bare_pid" 2>/dev/null || true
  fi
  bare_pid=
}
trap stop_bare EXIT

# Busy share of all cores over two seconds, from /proc/stat, in percent.
machine_busy_pct() {
  local u n s i w q sq st b1 t1 b2 t2
  read -r _ u n s i w q sq st _ </proc/stat
  b1=$((u + n + s + q + sq + st)) t1=$((u + n + s + i + w + q + sq + st))
  sleep 2
  read -r _ u n s i w q sq st _ </proc/stat
  b2=$((u + n + s + q + sq + st)) t2=$((u + n + s + i + w + q + sq + st))
  echo $((100 * (b2 - b1) / (t2 - t1 > 0 ? t2 - t1 : 1)))
}

wait_for_idle() {
  [[ -n $wait_idle ]] || return 0
  local deadline=$((SECONDS + 900)) pct
  while :; do
    pct=$(machine_busy_pct)
    ((pct <= wait_idle)) && return 0
    if ((SECONDS > deadline)); then
      fg_say "the machine is still ${pct}% busy after 15 minutes; running anyway"
      return 0
    fi
    fg_say "waiting: the machine is ${pct}% busy (want <= ${wait_idle}%)"
    sleep 8
  done
}

run_load() { # LABEL SOCKETS JSON LOG ARGS...
  local label=$1 sockets=$2 json=$3 log=$4
  shift 4
  fg_say "$label, $sockets sockets"
  "$load" --label "$label" --sockets "$sockets" --device "$device" --duration "$duration" --connect-rate "$connect_rate" \
    --threads "$threads" --json "$json" "$@" 2>"$log.err" | tee "$log"
}

if [[ $second == gateway ]]; then
  streams_before=$(upstream_streams)
  fg_say "upstream device streams before any socket: $streams_before"
  gateway_rss_start=$(awk '/^VmRSS:/ {print $2}' "/proc/$gateway_pid/status" 2>/dev/null || echo "")
fi
declare -A streams_during
[[ -n $bare_port ]] || bare_port=$(fg_free_port)
for n in $sizes; do
  for ((r = 1; r <= rounds; r++)); do
    wait_for_idle
    # A fresh broadcaster per run, so its RSS before connecting is a clean baseline.
    "$bare" --port "$bare_port" --device "$device" >"$out/bare-$n-$r.log" 2>&1 &
    bare_pid=$!
    for _ in $(seq 50); do fg_port_busy "$bare_port" && break; sleep 0.1; done
    run_load bare "$n" "$out/bare-$n-$r.json" "$out/load-bare-$n-$r.txt" \
      --port "$bare_port" --server-pid "$bare_pid"
    stop_bare

    [[ -n $second ]] || continue
    if [[ $second == bare-b ]]; then
      "$bare" --port "$bare_port" --device "$device" >"$out/bare-b-$n-$r.log" 2>&1 &
      bare_pid=$!
      for _ in $(seq 50); do fg_port_busy "$bare_port" && break; sleep 0.1; done
      run_load bare-b "$n" "$out/bare-b-$n-$r.json" "$out/load-bare-b-$n-$r.txt" \
        --port "$bare_port" --server-pid "$bare_pid"
      stop_bare
      continue
    fi
    # Sample the gauge while the sockets are held (the load tool runs in the foreground).
    (
      sleep $((n / connect_rate + 4))
      for _ in 1 2 3; do upstream_streams; sleep $((duration / 4 + 1)); done
    ) >"$out/streams-$n-$r.txt" &
    sampler=$!
    BENCH_TOKEN=$token run_load gateway "$n" "$out/gateway-$n-$r.json" \
      "$out/load-gateway-$n-$r.txt" --host "$host" --port "${ws_ports:-$port}" \
      --server-pid "$gateway_pid"
    wait "$sampler" || true
  done
  [[ $second != gateway ]] || streams_during[$n]=$(sort -u "$out"/streams-"$n"-*.txt | tr '\n' ';')
done
[[ $second != gateway ]] || streams_after=$(upstream_streams)

# ---- the table -----------------------------------------------------------------------------
row() { # JSON
  jq -r '[.label, .sockets_requested, .connected, .held,
          (.spread_ms.p50*10|round/10), (.spread_ms.p95*10|round/10), (.spread_ms.p99*10|round/10),
          .stale_messages, .missed_ticks, .minority_messages, (.messages_per_second|round),
          (if .server.kib_per_socket == null then "?" else (.server.kib_per_socket*100|round/100) end),
          (if .server.cpu_seconds_in_window == null then "?"
           else (100*.server.cpu_seconds_in_window/.window_seconds|round|tostring) + "%" end),
          (100*.client_cpu_seconds_in_window/.window_seconds|round|tostring) + "%",
          (if .machine_busy_cpu_seconds_in_window == null or .server.cpu_seconds_in_window == null
           then "?"
           else ([0, 100*(.machine_busy_cpu_seconds_in_window - .client_cpu_seconds_in_window
                          - .server.cpu_seconds_in_window)/.window_seconds] | max | round
                 | tostring) + "%" end)]
         | @tsv' "$1"
}
# median EXPR FILES...: the lower median of EXPR over the runs' reports ("?" when missing)
median() {
  local expr=$1
  shift
  jq -rs "map($expr) | if any(. == null) then \"?\"
          else sort | .[(length - 1) / 2 | floor] * 100 | round / 100 end" "$@"
}
divide() { # X Y
  if [[ $1 == "?" || $2 == "?" ]]; then echo "?"; else jq -rn "$1 / $2 * 100 | round / 100"; fi
}

echo
echo "Fan-out benchmark $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, device $device," \
  "window ${duration}s, $rounds round(s) per size" | tee "$out/table.txt"
{
  printf 'run\tsockets\tconnected\theld\tp50 ms\tp95 ms\tp99 ms\tstale\tmissed\tminority\tmsg/s'
  printf '\tKiB/socket\tserver CPU\tclient CPU\tother CPU\n'
  for n in $sizes; do
    for ((r = 1; r <= rounds; r++)); do
      row "$out/bare-$n-$r.json"
      [[ -z $second ]] || row "$out/$second-$n-$r.json"
    done
  done
} | column -t -s $'\t' | tee -a "$out/table.txt"
{
  echo
  for n in $sizes; do
    bares=("$out"/bare-"$n"-*.json)
    if [[ -z $second ]]; then
      echo "$n sockets, bare: p95 spread $(median .spread_ms.p95 "${bares[@]}") ms," \
        "KiB per socket $(median .server.kib_per_socket "${bares[@]}");" \
        "every socket connected and held: $(jq -s 'all(.connected == .sockets_requested and .held == .sockets_requested)' "${bares[@]}");" \
        "no stale tick: $(jq -s 'all(.no_stale_tick)' "${bares[@]}")"
      continue
    fi
    gates=("$out/$second-$n"-*.json)
    g95=$(median .spread_ms.p95 "${gates[@]}") b95=$(median .spread_ms.p95 "${bares[@]}")
    g99=$(median .spread_ms.p99 "${gates[@]}") b99=$(median .spread_ms.p99 "${bares[@]}")
    gkib=$(median .server.kib_per_socket "${gates[@]}")
    bkib=$(median .server.kib_per_socket "${bares[@]}")
    # Memory a previous run freed may be reused, so the per-run figure can read low; the one
    # counted from the RSS before the first run cannot (the largest over the rounds is shown).
    from_start="?"
    if [[ -n $gateway_rss_start ]]; then
      from_start=$(jq -rs --argjson s "$gateway_rss_start" \
        'map(select(.server.rss_holding_kib != null and .held > 0)
             | (.server.rss_holding_kib - $s) / .held)
         | if length == 0 then "?" else max * 100 | round / 100 end' "${gates[@]}")
    fi
    # Each round's pair ran back to back under the same machine load: its own ratio.
    pairs=
    for ((r = 1; r <= rounds; r++)); do
      pairs+=" $(divide "$(median .spread_ms.p95 "$out/$second-$n-$r.json")" \
        "$(median .spread_ms.p95 "$out/bare-$n-$r.json")")"
    done
    echo "$n sockets: p95 spread $second $g95 ms / bare $b95 ms = $(divide "$g95" "$b95")" \
      "(each round:$pairs)," \
      "p99 $(divide "$g99" "$b99"); KiB per socket $second $gkib" \
      "$([[ $second == gateway ]] && echo "(from the RSS before the first run: $from_start) ")/" \
      "bare $bkib = $(divide "$gkib" "$bkib");" \
      "every socket connected and held: $(jq -s 'all(.connected == .sockets_requested and .held == .sockets_requested)' "${gates[@]}");" \
      "no stale tick: $(jq -s 'all(.no_stale_tick)' "${gates[@]}")"
  done
  if [[ $second == gateway ]]; then
    echo "upstream device streams (gateway /metrics): before any socket: $streams_before"
    for n in $sizes; do echo "  while holding $n sockets: ${streams_during[$n]}"; done
    echo "  after the last run: $streams_after"
  fi
} | tee -a "$out/table.txt"
fg_say "table in $out/table.txt"
