#!/usr/bin/env bash
# Form logins (POST /auth/token) through the gateway with wrk, and authenticated reads (GET
# /device/1) alone and while those logins run, in one sitting (issue 9: at least 40 logins/s on
# 2 cores with the OWASP argon2id setting, and reads not slowed while logins run).
#   ./deploy/dev/up --detach && ./bench/run_login.sh [--duration 10] [--rounds 3]
set -euo pipefail
# shellcheck source=deploy/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/dev/lib.sh"
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<'USAGE'
usage: bench/run_login.sh [options]
  --host H              gateway host [127.0.0.1]
  --port P              gateway port [$GATEWAY_PORT or 8000]
  --user U              rental user that signs in [$ADMIN_USERNAME or admin]
  --password PW         its password [$ADMIN_PASSWORD or admin]
  --duration S          seconds per run [10]
  --rounds N            rounds of the three runs; medians at the end [1]
  --connections C       login connections [8]
  --read-path PATH      the read [/device/1]
  --read-connections C  read connections [64]
  --flood-connections C login connections of the flood run, 0 to skip it [64]
USAGE
}

host=127.0.0.1
port=${GATEWAY_PORT:-8000}
user=${ADMIN_USERNAME:-admin}
password=${ADMIN_PASSWORD:-admin}
duration=10
rounds=1
connections=8
read_path=/device/1
read_connections=64
flood_connections=64
while (($#)); do
  case $1 in
    --host) host=$2; shift ;;
    --port) port=$2; shift ;;
    --user) user=$2; shift ;;
    --password) password=$2; shift ;;
    --duration) duration=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --connections) connections=$2; shift ;;
    --read-path) read_path=$2; shift ;;
    --read-connections) read_connections=$2; shift ;;
    --flood-connections) flood_connections=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

for tool in wrk curl jq bc; do
  command -v "$tool" >/dev/null || fg_die "$tool is missing (apt-get install -y $tool)"
done

base=http://$host:$port
# One login first: it also upgrades a hash stored with older parameters, so that every measured
# login verifies an m=19 MiB, t=2, p=1 hash.
login=$(curl -sS -m 10 -X POST "$base/auth/token" --data-urlencode "username=$user" \
  --data-urlencode "password=$password") || fg_die "no gateway at $base (./deploy/dev/up --detach)"
token=$(jq -r '.access_token // empty' <<<"$login")
[[ -n $token ]] || fg_die "POST /auth/token as $user failed: $login"
code=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
  "$base$read_path")
[[ $code == 200 ]] || fg_die "GET $read_path answered $code, not 200"

out=/tmp/fleetgate-bench-login-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$out"
auth_pid=$(cat "$FG_REPO/.dev/run/fleetgate-auth.pid" 2>/dev/null || true)
hz=$(getconf CLK_TCK)
# CPU ticks (user + system) of a pid, or of the whole machine (busy, not idle) with "all".
ticks() {
  if [[ $1 == all ]]; then
    awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
  elif [[ -n $1 && -r /proc/$1/stat ]]; then
    awk '{print $14 + $15}' "/proc/$1/stat"
  else
    echo 0
  fi
}

logins() { # LOG SECONDS [CONNECTIONS]
  # A login may wait for its place in auth's hashing pool: wrk's 2 s timeout would drop it.
  BENCH_USER=$user BENCH_PASSWORD=$password wrk -t1 -c"${3:-$connections}" -d"$2s" --timeout 10s --latency \
    -s "$bench_dir/wrk/login.lua" "$base" >"$1" 2>&1
}
reads() { # LOG
  BENCH_TOKEN=$token BENCH_PATH=$read_path wrk -t1 -c"$read_connections" -d"${duration}s" \
    --latency -s "$bench_dir/wrk/device_all.lua" "$base" >"$1" 2>&1
}
# "logins/s p50 p99 refused/s timeouts" or "reads/s p50 p99 non-200" from a wrk log; dashes
# without one.
login_figures() {
  [[ -s $1 ]] || { echo "- - - - -"; return; }
  awk '/^logins\/s/ {l = $2; r = $6} /^latency ms:/ {a = $4; b = $8}
       /^requests\/s/ {t = $11} END {print l, a, b, r, t}' "$1"
}
read_figures() {
  [[ -s $1 ]] || { echo "- - - -"; return; }
  awk '/^requests\/s/ {gsub(",", "", $2); q = $2} /^latency ms:/ {a = $4; b = $8}
       /^status counts:/ {n = 0; for (i = 3; i <= NF; i++) { split($i, s, "="); if (s[1] != 200) n += s[2] }}
       END {print q, a, b, n}' "$1"
}

fg_say "logins: $connections connections as $user (flood: $flood_connections); reads: GET" \
  "$read_path, $read_connections connections; ${duration}s per run, $rounds round(s); wrk logs in $out"
runs=(reads logins both)
((flood_connections > 0)) && runs+=(flood)
printf '| round | run | logins/s | login p50 ms | login p99 ms | 429/s | login timeouts | reads/s | read p50 ms | read p99 ms | read non-200 | auth CPU | machine CPU | load before |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
: >"$out/results"
for ((r = 1; r <= rounds; r++)); do
  for run in "${runs[@]}"; do
    login_log=$out/$run-$r-login.txt read_log=$out/$run-$r-read.txt
    load=$(cut -d' ' -f1 /proc/loadavg)  # other people's builds share these cores
    a0=$(ticks "$auth_pid"); m0=$(ticks all); t0=$(date +%s.%N)
    case $run in
      reads) reads "$read_log" ;;
      logins) logins "$login_log" "$duration" ;;
      # More connections than auth admits (AUTH_HASH_THREADS + AUTH_HASH_QUEUE): the rest get 429.
      flood) logins "$login_log" "$duration" "$flood_connections" ;;
      both)
        # The logins start first and outlast the reads, so every read runs under login load.
        logins "$login_log" $((duration + 2)) &
        login_job=$!
        sleep 1
        reads "$read_log"
        wait "$login_job"
        ;;
    esac
    a1=$(ticks "$auth_pid"); m1=$(ticks all); t1=$(date +%s.%N)
    read -r auth_cpu machine_cpu < <(awk -v a=$((a1 - a0)) -v m=$((m1 - m0)) -v hz="$hz" \
      -v t="$(echo "$t1 - $t0" | bc)" 'BEGIN { printf "%.0f%% %.0f%%\n", 100 * a / hz / t, 100 * m / hz / t }')
    read -r lps lp50 lp99 refused timeouts < <(login_figures "$login_log")
    read -r rps rp50 rp99 rbad < <(read_figures "$read_log")
    printf '| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$r" "$run" \
      "$lps" "$lp50" "$lp99" "$refused" "$timeouts" "$rps" "$rp50" "$rp99" "$rbad" "$auth_cpu" "$machine_cpu" "$load"
    echo "$r $run $lps $lp50 $lp99 $refused $rps $rp50 $rp99" >>"$out/results"
  done
done
echo "(CPU: % of one core over the run, 200% = both cores; auth = fleetgate-auth from"
echo " .dev/run, machine = every process, wrk and other people's work included; load = 1-minute"
echo " load average before the run)"
echo "(flood: the latencies mix the admitted logins and the refusals)"
echo "auth: $(grep -o '"hash_threads":"[0-9]*","hash_queue":"[0-9]*"' "$FG_REPO/.dev/logs/auth.log" 2>/dev/null | tail -n 1)"

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -v s="$1" -v c="$2" '$2 == s && $c != "-" {print $c}' "$out/results" | median; }
echo
printf 'median of %d round(s): logins alone %s/s (p50 %s ms, p99 %s ms); with reads %s/s\n' \
  "$rounds" "$(col logins 3)" "$(col logins 4)" "$(col logins 5)" "$(col both 3)"
((flood_connections > 0)) && printf 'flood of %d connections: %s logins/s, %s refused/s (429)\n' \
  "$flood_connections" "$(col flood 3)" "$(col flood 6)"
printf 'reads alone %s req/s (p50 %s ms, p99 %s ms); while logins run %s req/s (p50 %s ms, p99 %s ms)\n' \
  "$(col reads 7)" "$(col reads 8)" "$(col reads 9)" "$(col both 7)" "$(col both 8)" "$(col both 9)"
awk -v a="$(col reads 7)" -v b="$(col both 7)" \
  'BEGIN { if (a > 0) printf "reads while logins run / reads alone: %.2f\n", b / a }'
