# shellcheck shell=bash
# Shared by bench/run_repair_wrk.sh, run_streetlight_wrk.sh and run_reads.sh: wrk against the gateway and against
# two fleetgate-bare-http ceilings in the same run, alternating, with the ratios from the medians
# at the end. Sourced after deploy/dev/lib.sh; the caller parses its options into the globals
# below, signs in and saves one answer of the endpoint.
#   globals: duration connections threads rounds bare_threads base bench_dir
#   fg_bench_check_tools                       wrk, curl, jq and the bare server (sets bare_bin)
#   fg_bench_vs_bare TOKEN PATH PAGE_FILE LABEL SERVICE...
#   fg_bench_wrk TOKEN PATH NAME URL SERVER ROUND   one wrk run (below)
#   fg_bench_seed_orders BASE TOKEN ME            20 repair orders to list
#     PAGE_FILE: the gateway's answer, which "bare-page" serves as a constant; LABEL names the
#     SERVICE processes (pid files under .dev/run) whose CPU is read with the gateway's.

fg_bench_check_tools() {
  for tool in wrk curl jq; do
    command -v "$tool" >/dev/null || fg_die "$tool is missing (apt-get install -y $tool)"
  done
  build_dir=${FLEETGATE_BUILD_DIR:-$FG_REPO/build}
  bare_bin=$build_dir/bin/fleetgate-bare-http
  if [[ ! -x $bare_bin ]]; then
    fg_say "building fleetgate-bare-http"
    cmake --build "$build_dir" --target fleetgate-bare-http >/dev/null
  fi
}

fg_bench_vs_bare() {
  local token=$1 path=$2 page_file=$3 services_label=$4
  shift 4
  local services=("$@")
  local page_bytes
  page_bytes=$(wc -c <"$page_file")
  out=/tmp/fleetgate-bench-$(date -u +%Y%m%dT%H%M%S)
  mkdir -p "$out"
  cp "$page_file" "$out/page.json"
  # Two ceilings: the constant ~150-byte JSON, and the gateway's own page served as a constant.
  bare_port=$(fg_free_port)
  "$bare_bin" --port "$bare_port" --threads "$bare_threads" 2>"$out/bare.log" &
  bare_pid=$!
  page_port=$(fg_free_port)
  "$bare_bin" --port "$page_port" --threads "$bare_threads" --body-file "$out/page.json" \
    2>"$out/bare-page.log" &
  page_pid=$!
  trap 'kill "$bare_pid" "$page_pid" 2>/dev/null || true' EXIT
  for p in "$bare_port" "$page_port"; do
    for _ in $(seq 50); do fg_port_busy "$p" && break; sleep 0.1; done
  done
  bare_bytes=$(curl -sS -m 5 "http://127.0.0.1:$bare_port$path" | wc -c)
  run_dir=$FG_REPO/.dev/run
  pid_of() { cat "$run_dir/$1.pid" 2>/dev/null || true; }
  gw_pid=$(pid_of fleetgate-gateway)
  svc_pids=
  for name in "${services[@]}"; do svc_pids+=" $(pid_of "$name")"; done
  hz=$(getconf CLK_TCK)
  run() { fg_bench_wrk "$token" "$path" "$@"; }

  fg_say "GET $path: gateway page $page_bytes bytes, bare $bare_bytes bytes, bare-page $page_bytes" \
    "bytes; $rounds rounds of ${duration}s, $connections connections, $threads wrk thread(s);" \
    "results in $out"
  printf '| round | server | requests/s | p50 ms | p90 ms | p99 ms | non-200 | server CPU | services CPU | machine CPU |\n'
  printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
  : >"$out/results"
  for ((r = 1; r <= rounds; r++)); do
    for side in bare bare-page gateway; do
      case $side in
        bare) url=http://127.0.0.1:$bare_port; server=$bare_pid ;;
        bare-page) url=http://127.0.0.1:$page_port; server=$page_pid ;;
        gateway) url=$base; server=$gw_pid ;;
      esac
      read -r rps p50 p90 p99 other scpu vcpu mcpu < <(run "$side" "$url" "$server" "$r")
      [[ $side == gateway ]] || vcpu=-
      printf '| %d | %s | %s | %s | %s | %s | %s | %s%% | %s | %s%% |\n' "$r" "$side" "$rps" "$p50" \
        "$p90" "$p99" "$other" "$scpu" "$vcpu$([[ $vcpu == - ]] || echo %)" "$mcpu"
      echo "$r $side $rps $p50 $p90 $p99 $other $scpu $vcpu $mcpu" >>"$out/results"
    done
  done
  echo "(CPU: % of one core over the run; services = $services_label; machine = all"
  echo " processes, 200% = both cores, so machine minus server, services and wrk is other people's)"
  
  # Ratios from the medians of the rounds.
  median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
  col() { awk -v s="$1" -v c="$2" '$2 == s {print $c}' "$out/results" | median; }
  echo
  for side in bare bare-page gateway; do
    printf 'median of %d rounds, %-9s %8s req/s, p50 %s ms, p99 %s ms\n' "$rounds" "$side:" \
      "$(col "$side" 3)" "$(col "$side" 4)" "$(col "$side" 6)"
  done
  for ceiling in bare bare-page; do
    awk -v g="$(col gateway 3)" -v b="$(col "$ceiling" 3)" -v gp="$(col gateway 4)" \
      -v bp="$(col "$ceiling" 4)" -v g9="$(col gateway 6)" -v b9="$(col "$ceiling" 6)" -v n="$ceiling" \
      'BEGIN { printf "gateway / %s: throughput %.3f, p50 latency %.1fx, p99 latency %.1fx\n",
               n, g / b, gp / bp, g9 / b9 }'
  done
  echo "gateway pid ${gw_pid:-?}, threads: $(awk '/^Threads/ {print $2}' "/proc/${gw_pid:-0}/status" 2>/dev/null || echo ?) (GATEWAY_THREADS as started); bare: $bare_threads io thread(s)"
}

# CPU ticks (user + system) of the given pids; of the whole machine (busy, not idle) with "all".
fg_bench_ticks() {
  if [[ $1 == all ]]; then
    awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
    return
  fi
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}

# One wrk run of GET PATH with TOKEN against URL, whose server process is SERVER; ROUND names its
# log in $out. Prints "req/s p50 p90 p99 non200 server% services% machine%" (ms; CPU as % of one
# core over the run; services are $svc_pids, hz the clock ticks per second).
#   fg_bench_wrk TOKEN PATH NAME URL SERVER ROUND
fg_bench_wrk() {
  local token=$1 path=$2
  shift 2
  local name=$1 url=$2 server=$3 log=$out/$1-$4.txt
  local s0 v0 m0 t0 s1 v1 m1 t1
  s0=$(fg_bench_ticks "$server"); v0=$(fg_bench_ticks $svc_pids); m0=$(fg_bench_ticks all); t0=$(date +%s.%N)
  BENCH_TOKEN=$token BENCH_PATH=$path wrk -t"$threads" -c"$connections" -d"${duration}s" \
    --latency -s "$bench_dir/wrk/device_all.lua" "$url" >"$log" 2>&1
  s1=$(fg_bench_ticks "$server"); v1=$(fg_bench_ticks $svc_pids); m1=$(fg_bench_ticks all); t1=$(date +%s.%N)
  local rps p50 p90 p99 other
  rps=$(awk '/^requests\/s/ {gsub(",", "", $2); print $2}' "$log")
  read -r p50 p90 p99 < <(awk '/^latency ms:/ {print $4, $6, $8}' "$log")
  other=$(awk '/^status counts:/ {n = 0; for (i = 3; i <= NF; i++) { split($i, a, "=");
    if (a[1] != 200) n += a[2] } print n}' "$log")
  awk -v r="$rps" -v a="$p50" -v b="$p90" -v c="$p99" -v o="$other" -v s=$((s1 - s0)) \
    -v v=$((v1 - v0)) -v m=$((m1 - m0)) -v hz="$hz" -v t="$(echo "$t1 - $t0" | bc)" \
    'BEGIN { printf "%s %s %s %s %s %.0f %.0f %.0f\n", r, a, b, c, o, 100 * s / hz / t,
             100 * v / hz / t, 100 * m / hz / t }'
}

# At least 20 repair orders, so that a page of /v1/orders?limit=20 is full: creates a bench
# device of account ME (a staff account) and the orders it lacks.
#   fg_bench_seed_orders BASE TOKEN ME
fg_bench_seed_orders() {
  local base=$1 token=$2 me=$3
  local auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
  local have t type_id brand_id model_id device_id i
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
}
