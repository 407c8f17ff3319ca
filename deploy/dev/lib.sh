# shellcheck shell=bash
# Shared by deploy/dev/{up,down,test}: installing, building, a local MariaDB and the processes
# of a run. Sourced, never executed; the caller sets `set -euo pipefail`.

FG_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The real commands build into build/; FLEETGATE_BUILD_DIR lets a second tree build elsewhere.
FG_BUILD_DIR=${FLEETGATE_BUILD_DIR:-$FG_REPO/build}
# shellcheck disable=SC2034  # used by the scripts that source this file
FG_BIN_DIR=$FG_BUILD_DIR/bin
# shellcheck disable=SC2034
FG_DEV_DIR=$FG_REPO/.dev

# TOOLCHAIN.md's build dependencies, plus what the scripts and the e2e tests use (docker-compose
# and python3-yaml: tests/deploy checks docker-compose.yml, with no Docker daemon; kubectl, for
# deploy/k8s, is added by fg_missing_packages when missing; python3-grpcio and python3-protobuf:
# the Python gRPC client example, tools/examples/list_devices.py; nats-server and haproxy: the
# replicated run, deploy/dev/up --replicas N, and its e2e stack; libnats-dev: the change bus's
# client, libs/bus; galera-4, rsync and iproute2's ss: deploy/dev/galera's nodes and their state
# transfers).
# libboost1.81-dev only: it conflicts with libboost-dev (1.74), which must never be installed.
FG_PACKAGES=(
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libboost1.81-dev libboost-json1.81-dev libmariadb-dev mariadb-server libabsl-dev libssl-dev
  catch2 libsodium-dev libspdlog-dev pkgconf ccache ninja-build cmake g++
  curl python3-pytest python3-requests python3-websocket python3-jwt python3-cryptography
  nodejs chromium fonts-liberation
  python3-yaml docker-compose python3-grpcio python3-protobuf
  nats-server libnats-dev haproxy
  galera-4 rsync iproute2
)

# The services, one row each in start order: read by fg_services_load.
FG_SERVICES_TSV=$FG_REPO/services/services.tsv

fg_say() { printf '==> %s\n' "$*" >&2; }
fg_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

fg_missing_packages() {
  local pkg
  for pkg in "${FG_PACKAGES[@]}"; do
    # shellcheck disable=SC2016  # ${Status} is dpkg-query's format, not a shell expansion
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      printf '%s\n' "$pkg"
    fi
  done
  # npm comes with Debian's npm package, or inside another vendor's nodejs that conflicts with it.
  command -v npm >/dev/null 2>&1 || printf '%s\n' npm
  # kubectl (tests/deploy renders deploy/k8s with `kubectl kustomize`): Debian's kubernetes-client,
  # unless one from elsewhere (a cloud SDK, upstream's package) is already on PATH.
  command -v kubectl >/dev/null 2>&1 || printf '%s\n' kubernetes-client
}

# Installs the missing packages with apt-get; does nothing (and needs no root) when none is.
fg_install() {
  local missing
  mapfile -t missing < <(fg_missing_packages)
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) -eq 0 ]] || fg_die "missing Debian packages: ${missing[*]} (run as root to install)"
  fg_say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Installing mariadb-server would start the system service; this platform never uses it, so
  # keep invoke-rc.d from starting services while we install (unless a policy already exists).
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  local rc=0
  { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } || rc=$?
  ((own_policy)) && rm -f "$policy"
  ((rc == 0)) || fg_die "apt-get failed (exit $rc)"
}

fg_build() {
  export CCACHE_BASEDIR=$FG_REPO CCACHE_NOHASHDIR=1
  # The /docs and /redoc assets and the OpenAPI validator, from the npm registry.
  "$FG_REPO/deploy/dev/web-assets.sh"
  fg_say "building in $FG_BUILD_DIR"
  cmake -S "$FG_REPO" -B "$FG_BUILD_DIR" -G Ninja >/dev/null
  cmake --build "$FG_BUILD_DIR" -j"$(nproc)"
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
fg_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# fg_free_port [LOW COUNT]: prints a TCP port nobody listens on, from LOW to LOW+COUNT-1
# (default 20000-31999; racy by nature, callers start at once).
fg_free_port() {
  local port i low=${1:-20000} count=${2:-12000}
  for ((i = 0; i < 200; i++)); do
    # Below Linux's ephemeral range (32768+): many outgoing connections (a benchmark) cannot take it.
    port=$((low + RANDOM % count))
    if ! fg_port_busy "$port"; then
      echo "$port"
      return 0
    fi
  done
  fg_die "no free TCP port found"
}

# True when PID is a live process (a zombie is not) whose command line mentions NAME.
fg_alive() {
  local pid=$1 name=$2 state rest
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/stat ]] || return 1
  read -r _ _ state rest <"/proc/$pid/stat" 2>/dev/null || return 1
  [[ $state != Z ]] || return 1
  { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$name"
}

# fg_spawn PIDFILE LOGFILE CMD [ARGS...]: starts CMD in a session of its own (so a Ctrl-C on the
# terminal reaches only our trap, which stops things in order), output appended to LOGFILE.
fg_spawn() {
  local pidfile=$1 log=$2
  shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016  # $$ and $0 belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$log" 2>&1 </dev/null &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  fg_die "could not start $1 (log: $log)"
}

# fg_stop NAME PIDFILE [GRACE_SECONDS]: SIGTERM, wait, then SIGKILL; removes the pid file.
fg_stop() {
  local name=$1 pidfile=$2 grace=${3:-15} pid i
  [[ -f $pidfile ]] || return 0
  pid=$(<"$pidfile")
  if fg_alive "$pid" "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
      fg_alive "$pid" "$name" || break
      sleep 0.1
    done
    if fg_alive "$pid" "$name"; then
      printf 'warning: %s (pid %s) ignored SIGTERM for %ss; killing it\n' "$name" "$pid" "$grace" >&2
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        fg_alive "$pid" "$name" || break
        sleep 0.1
      done
    fi
  fi
  rm -f "$pidfile"
}

# fg_wait_until SECONDS CMD...: retries CMD every 0.2 s until it succeeds or time runs out.
fg_wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

fg_mariadb_client() { # PORT ARGS...: the mariadb client as root over TCP
  local port=$1
  shift
  mariadb --no-defaults --protocol=TCP -h127.0.0.1 -P"$port" -uroot "$@"
}

# fg_mariadb_start DIR PORT LOGFILE PIDFILE: Debian's mariadbd on DIR/data (created on first use,
# reused afterwards), listening on 127.0.0.1:PORT only; returns once it answers.
fg_mariadb_start() {
  local dir=$1 port=$2 log=$3 pidfile=$4 user
  user=$(id -un)
  mkdir -p "$dir"
  if [[ ! -d $dir/data/mysql ]]; then
    rm -rf "$dir/data"
    mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" \
      --auth-root-authentication-method=normal --skip-test-db >>"$log" 2>&1 ||
      { tail -n 20 "$log" >&2; fg_die "mariadb-install-db failed (log: $log)"; }
  fi
  fg_port_busy "$port" && fg_die "port $port is already in use (choose another with DEV_DB_PORT)"
  fg_spawn "$pidfile" "$log" mariadbd --no-defaults --datadir="$dir/data" \
    --socket="$dir/mariadb.sock" --pid-file="$dir/mariadbd.pid" --port="$port" \
    --bind-address=127.0.0.1 --user="$user"
  local deadline=$((SECONDS + 30))
  until mariadb-admin --no-defaults --protocol=TCP -h127.0.0.1 -P"$port" -uroot ping >/dev/null 2>&1; do
    if ! fg_alive "$(<"$pidfile")" mariadbd || ((SECONDS >= deadline)); then
      tail -n 20 "$log" >&2
      fg_die "MariaDB did not start on port $port (log: $log)"
    fi
    sleep 0.2
  done
}

# fg_services_load: reads services/services.tsv (a header line, `#` comments, one tab-separated
# row per service) into FG_SERVICES, the names in start order, and these arrays keyed by name:
# FG_SVC_BINARY, FG_SVC_GRPC_PORT (the default), FG_SVC_PORT_ENV, FG_SVC_ADDR_ENV,
# FG_SVC_DATABASE, FG_SVC_READY (yes/no), FG_SVC_NEEDS (names, space-separated) and
# FG_SVC_REPLICATED (yes/no).
# fg_service_port NAME prints the port to use: $<port_env> when set, else the default.
fg_services_load() {
  local header line n=0 name binary port port_env addr_env database ready needs replicated extra
  local where
  header=$(printf '%s\t' name binary grpc_port port_env addr_env database ready needs)replicated
  FG_SERVICES=()
  declare -gA FG_SVC_BINARY=() FG_SVC_GRPC_PORT=() FG_SVC_PORT_ENV=() FG_SVC_ADDR_ENV=() \
    FG_SVC_DATABASE=() FG_SVC_READY=() FG_SVC_NEEDS=() FG_SVC_REPLICATED=()
  [[ -r $FG_SERVICES_TSV ]] || fg_die "$FG_SERVICES_TSV is missing"
  # shellcheck disable=SC2034  # the arrays are read by the scripts that source this file
  while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    where="$FG_SERVICES_TSV:$n"
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ -n $header ]]; then # the first line that is no comment
      [[ $line == "$header" ]] || fg_die "$where: expected the header ${header//$'\t'/ <tab> }"
      header=""
      continue
    fi
    # read treats tabs as whitespace, so an empty field would shift the others: none may be.
    IFS=$'\t' read -r name binary port port_env addr_env database ready needs replicated extra \
      <<<"$line"
    [[ -n $replicated && -z $extra && $line != *$'\t\t'* ]] ||
      fg_die "$where: expected 9 non-empty fields separated by single tabs"
    [[ $name =~ ^[a-z][a-z0-9-]*$ && $binary =~ ^[a-z][a-z0-9-]*$ && $port =~ ^[1-9][0-9]*$ &&
      $port_env =~ ^[A-Z][A-Z0-9_]*$ && $addr_env =~ ^[A-Z][A-Z0-9_]*$ &&
      $database =~ ^[a-z][a-z0-9_]*$ && $ready =~ ^(yes|no)$ && $needs =~ ^[a-z0-9,-]+$ &&
      $replicated =~ ^(yes|no)$ ]] ||
      fg_die "$where: a malformed field (see the comments at the top of the file)"
    [[ -z ${FG_SVC_BINARY[$name]:-} ]] || fg_die "$where: $name is listed twice"
    [[ $needs == - ]] && needs=""
    for extra in ${needs//,/ }; do
      [[ -n ${FG_SVC_BINARY[$extra]:-} ]] || fg_die "$where: needs $extra, which is not listed above"
    done
    FG_SERVICES+=("$name")
    FG_SVC_BINARY[$name]=$binary
    FG_SVC_GRPC_PORT[$name]=$port
    FG_SVC_PORT_ENV[$name]=$port_env
    FG_SVC_ADDR_ENV[$name]=$addr_env
    FG_SVC_DATABASE[$name]=$database
    FG_SVC_READY[$name]=$ready
    FG_SVC_NEEDS[$name]=${needs//,/ }
    FG_SVC_REPLICATED[$name]=$replicated
  done <"$FG_SERVICES_TSV"
  ((${#FG_SERVICES[@]})) || fg_die "$FG_SERVICES_TSV lists no service"
}

fg_service_port() { # NAME
  local var=${FG_SVC_PORT_ENV[$1]}
  printf '%s\n' "${!var:-${FG_SVC_GRPC_PORT[$1]}}"
}

# fg_dev_processes: the processes of a local run (their pid files' names under .dev/run), in
# start order: MariaDB, NATS (replicated runs), the services of services/services.tsv, the
# gateway, haproxy (replicated runs). Replica K > 1 of one has the pid file NAME@K.pid.
fg_dev_processes() {
  local name
  fg_services_load
  printf '%s\n' mariadbd nats-server
  for name in "${FG_SERVICES[@]}"; do printf '%s\n' "${FG_SVC_BINARY[$name]}"; done
  printf '%s\n' fleetgate-gateway haproxy
}

# fg_dev_pidfiles NAME: the pid files of NAME and its replicas under .dev/run that exist.
fg_dev_pidfiles() {
  local pidfile
  for pidfile in "$FG_DEV_DIR/run/$1.pid" "$FG_DEV_DIR/run/$1"@*.pid; do
    [[ -f $pidfile ]] && printf '%s\n' "$pidfile"
  done
  return 0
}

# True when a process of a local run is alive.
fg_dev_running() {
  local name pidfile
  while read -r name; do
    while read -r pidfile; do
      fg_alive "$(<"$pidfile")" "$name" && return 0
    done < <(fg_dev_pidfiles "$name")
  done < <(fg_dev_processes)
  return 1
}
