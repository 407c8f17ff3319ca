#!/usr/bin/env bash
# The README's picture of the Grafana dashboard, on a machine without Grafana: Debian's prometheus
# scrapes the gateway's /metrics and every service's METRICS_PORT once a second while a benchmark
# runs (reads, logins, registrations, rental starts and stops), then bench/plot_dashboard.py
# draws panels of deploy/grafana/fleetgate.json from the scraped series with python3-matplotlib.
#   RATE_LIMITS=off ./deploy/dev/up --detach && ./bench/metrics_picture.sh [--out FILE]
set -euo pipefail
# shellcheck source=deploy/dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/dev/lib.sh"
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

host=127.0.0.1
port=${GATEWAY_PORT:-8000}
user=${ADMIN_USERNAME:-admin}
password=${ADMIN_PASSWORD:-admin}
phase=20 # seconds per load phase
out=$FG_REPO/deploy/grafana/dashboard.png
while (($#)); do
  case $1 in
    --port) port=$2; shift ;;
    --phase) phase=$2; shift ;;
    --out) out=$2; shift ;;
    -h | --help) sed -n 2,6p "${BASH_SOURCE[0]}"; exit 0 ;;
    *) fg_die "unknown option $1 (see --help)" ;;
  esac
  shift
done

FG_PACKAGES=(prometheus python3-matplotlib wrk curl jq)
fg_install
fg_services_load

base=http://$host:$port
login=$(curl -sS -m 10 -X POST "$base/auth/token" --data-urlencode "username=$user" \
  --data-urlencode "password=$password") || true
token=$(jq -r '.access_token // empty' <<<"$login" 2>/dev/null) || true
me=$(jq -r '.user_id // empty' <<<"$login" 2>/dev/null) || true
[[ -n $token ]] || fg_die "no admin login at $base (RATE_LIMITS=off ./deploy/dev/up --detach)"

# Prometheus: the gateway and each service (METRICS_PORT's default: the gRPC port + 1000).
work=$(mktemp -d "${TMPDIR:-/tmp}/fleetgate-prometheus.XXXXXX")
prom_port=$(fg_free_port)
{
  printf 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n'
  printf '  - job_name: gateway\n    static_configs: [{targets: ["%s:%s"]}]\n' "$host" "$port"
  for name in "${FG_SERVICES[@]}"; do
    printf '  - job_name: %s\n    static_configs: [{targets: ["%s:%s"]}]\n' \
      "$name" "$host" "$((FG_SVC_GRPC_PORT[$name] + 1000))"
  done
} >"$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
prom_pid=$!
cleanup() {
  kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
prom=http://127.0.0.1:$prom_port
fg_wait_until 30 curl -fsS -o /dev/null "$prom/-/ready" || fg_die "prometheus did not start"

start=$(date +%s)
fg_say "idle for 10 s, then $phase s each: reads, reads while logins run, registrations and rentals"
sleep 10
# The admin pays for the rentals below (every change of cash is a ledger transaction).
curl -sS -o /dev/null -X PATCH "$base/user/$me" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"cash":100000.0}'
reads() { # SECONDS  (only the load's own pids are waited for: prometheus is a child too)
  BENCH_TOKEN=$token BENCH_PATH=/device/all wrk -t1 -c32 -d"$1s" -s "$bench_dir/wrk/device_all.lua" \
    "$base" >/dev/null &
  local device_reads=$!
  wrk -t1 -c16 -d"$1s" -H "Authorization: Bearer $token" "$base/api/v1/users/$me" >/dev/null
  wait "$device_reads"
}
reads "$phase"
BENCH_USER=$user BENCH_PASSWORD=$password wrk -t1 -c4 -d"${phase}s" --timeout 10s \
  -s "$bench_dir/wrk/login.lua" "$base" >/dev/null &
logins=$!
reads "$phase"
wait "$logins"
deadline=$((SECONDS + phase))
n=0
while ((SECONDS < deadline)); do
  n=$((n + 1))
  curl -sS -o /dev/null -X POST "$base/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"username\":\"pic$start$n\",\"email\":\"pic$start$n@example.com\",\"password\":\"Secret-pass1\"}"
  device=$((n % 5 + 1))
  curl -sS -o /dev/null "$base/device/start/$device" -H "Authorization: Bearer $token" \
    -H "X-Idempotency-Key: pic-$start-$n" -H 'Content-Type: application/json' \
    -d "{\"user_id\":$me,\"duration_minutes\":60}"
  curl -sS -o /dev/null -X POST "$base/device/stop/$device" -H "Authorization: Bearer $token"
done
sleep 5
end=$(date +%s)

/usr/bin/python3 "$bench_dir/plot_dashboard.py" "$prom" "$start" "$end" "$out"
fg_say "wrote $out ($((end - start)) s of series)"
