#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) and Elasticsearch, without Docker.
#
#   services.sh fetch                                 download Kafka jars + ES (cached)
#   services.sh start  [kafka|elasticsearch|all]      start in background, wait until healthy
#   services.sh stop   [kafka|elasticsearch|all] [--wipe]   SIGTERM, wait, SIGKILL; --wipe deletes data
#   services.sh kill   kafka|elasticsearch            SIGKILL (fault tests)
#   services.sh status [kafka|elasticsearch|all]      health; exit 1 if any is down
#   services.sh logs   kafka|elasticsearch            last lines of the service's logs
#
# Everything a run creates (config, data, logs, pid files, the unpacked ES) lives
# under $NEWSWIRE_LOCAL_DIR (default <repo>/.local). Downloads are cached under
# $NEWSWIRE_CACHE_DIR (default ~/.cache/newswire), so only the first fetch
# touches the network. See deploy/local/README.md for the details.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

# --- settings (all overridable from the environment) --------------------------
LOCAL_DIR="${NEWSWIRE_LOCAL_DIR:-$REPO_ROOT/.local}"
CACHE_DIR="${NEWSWIRE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/newswire}"
MAVEN_CENTRAL="${NEWSWIRE_MAVEN_CENTRAL:-https://repo1.maven.org/maven2}"
# Maven's local repository; kept inside CACHE_DIR so CI caches one directory.
MAVEN_REPO_LOCAL="${NEWSWIRE_MAVEN_REPO_LOCAL:-$CACHE_DIR/m2}"

KAFKA_VERSION="${NEWSWIRE_KAFKA_VERSION:-4.4.0}"
KAFKA_PORT="${NEWSWIRE_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${NEWSWIRE_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${NEWSWIRE_KAFKA_HEAP:-1g}"
# Largest record batch the broker accepts: 32 MiB, so the app can produce a
# ~20 MB "poison" message and dead-letter it instead of failing at the broker.
KAFKA_MAX_MESSAGE_BYTES="${NEWSWIRE_KAFKA_MAX_MESSAGE_BYTES:-33554432}"

ES_VERSION="${NEWSWIRE_ES_VERSION:-8.19.21}"
ES_PORT="${NEWSWIRE_ES_PORT:-9200}"
ES_TRANSPORT_PORT="${NEWSWIRE_ES_TRANSPORT_PORT:-9300}"
ES_HEAP="${NEWSWIRE_ES_HEAP:-1g}"
# Elasticsearch refuses to run as root; when we are root it runs as this user.
ES_USER="${NEWSWIRE_ES_USER:-newswire-es}"

START_TIMEOUT="${NEWSWIRE_START_TIMEOUT:-120}"   # seconds to become healthy
STOP_TIMEOUT="${NEWSWIRE_STOP_TIMEOUT:-60}"      # seconds between SIGTERM and SIGKILL
LOG_TAIL_LINES=40

KAFKA_DIR="$LOCAL_DIR/kafka"
KAFKA_LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION/libs"
ES_ZIP="$CACHE_DIR/elasticsearch-$ES_VERSION.zip"
ES_DIR=""     # resolved lazily by es_state_dir (may live outside LOCAL_DIR, see there)
SERVICES=()   # set by parse_services

# --- small helpers ------------------------------------------------------------
log() { printf '[services] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# Is TCP port $1 on 127.0.0.1 accepting connections?
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Print the pid stored in $1 if that process is alive and its command line
# contains $2 (guards against a stale pid file pointing at a recycled pid).
live_pid() {
  local pidfile="$1" marker="$2" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(tr -dc '0-9' <"$pidfile")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker" || return 1
  echo "$pid"
}

# Send $2 to the process in pidfile $1 and wait up to $4 seconds for it to go.
signal_and_wait() {
  local pidfile="$1" signal="$2" marker="$3" timeout="$4" pid waited=0
  pid="$(live_pid "$pidfile" "$marker")" || return 0
  kill "-$signal" "$pid" 2>/dev/null || true
  while [[ -e "/proc/$pid" ]] && ((waited < timeout)); do
    sleep 1
    waited=$((waited + 1))
  done
  [[ ! -e "/proc/$pid" ]]
}

# SIGTERM, give the service time for a clean shutdown, then SIGKILL.
terminate() {
  local name="$1" pidfile="$2" marker="$3"
  if ! live_pid "$pidfile" "$marker" >/dev/null; then
    log "$name: not running"
  elif signal_and_wait "$pidfile" TERM "$marker" "$STOP_TIMEOUT"; then
    log "$name: stopped"
  else
    log "$name: still alive ${STOP_TIMEOUT}s after SIGTERM, sending SIGKILL"
    signal_and_wait "$pidfile" KILL "$marker" 10 || die "$name: survived SIGKILL"
  fi
  rm -f "$pidfile"
}

# Find a JDK home with major version >= $1: $2 (explicit) first, then
# JAVA_HOME, the `java` on PATH, and /usr/lib/jvm/*.
find_java_home() {
  local min="$1" explicit="${2:-}" candidate version major onpath=""
  if command -v java >/dev/null 2>&1; then
    onpath="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  fi
  for candidate in "$explicit" "${JAVA_HOME:-}" "$onpath" /usr/lib/jvm/*; do
    [[ -n "$candidate" && -x "$candidate/bin/java" ]] || continue
    version="$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$candidate/release" 2>/dev/null || true)"
    [[ -n "$version" ]] || version="$("$candidate/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')"
    major="${version%%.*}"
    [[ "$major" =~ ^[0-9]+$ ]] && ((major >= min)) && { echo "$candidate"; return 0; }
    [[ -n "$explicit" && "$candidate" == "$explicit" ]] && log "ignoring $explicit: Java $version < $min"
  done
  return 1
}

kafka_java_home() {
  find_java_home 17 "${NEWSWIRE_KAFKA_JAVA_HOME:-}" || die "Kafka $KAFKA_VERSION needs Java >= 17; set NEWSWIRE_KAFKA_JAVA_HOME"
}
es_java_home() {
  find_java_home 17 "${NEWSWIRE_ES_JAVA_HOME:-}" || die "Elasticsearch $ES_VERSION needs Java >= 17; set NEWSWIRE_ES_JAVA_HOME"
}

print_log_tail() {
  local name="$1" file
  shift
  for file in "$@"; do
    [[ -s "$file" ]] || continue
    printf -- '----- %s: last %d lines of %s -----\n' "$name" "$LOG_TAIL_LINES" "$file" >&2
    tail -n "$LOG_TAIL_LINES" "$file" >&2
  done
}

# --- fetch ----------------------------------------------------------------------
# Kafka is not published on Maven Central as a tarball, but all of its jars are:
# resolve the broker's runtime classpath with the pom next to this script.
fetch_kafka() {
  [[ -f "$KAFKA_LIBS/.complete" ]] && return 0
  command -v mvn >/dev/null || die "mvn (Maven) is needed to download Kafka's jars"
  # Per-process temp dir + rename: concurrent fetches cannot see half a download.
  local tmp="$KAFKA_LIBS.tmp.$$"
  log "fetching Kafka $KAFKA_VERSION jars with Maven into $KAFKA_LIBS"
  rm -rf "$tmp"
  mkdir -p "$CACHE_DIR/kafka-$KAFKA_VERSION"
  # Maven's output is only shown when it fails (even -q prints colour codes).
  if ! mvn -B -q --no-transfer-progress -f "$SCRIPT_DIR/kafka/pom.xml" \
    -Dmaven.repo.local="$MAVEN_REPO_LOCAL" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$tmp" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    die "Maven could not resolve Kafka $KAFKA_VERSION"
  fi
  rm -f "$tmp.log"
  touch "$tmp/.complete"
  if [[ -f "$KAFKA_LIBS/.complete" ]]; then
    rm -rf "$tmp" # another fetch won the race
  else
    rm -rf "$KAFKA_LIBS"
    mv "$tmp" "$KAFKA_LIBS"
  fi
}

# The integ-test-zip is a complete ES server (no bundled JDK, few modules) and,
# unlike the regular distribution, it is on Maven Central.
fetch_elasticsearch() {
  [[ -f "$ES_ZIP" ]] && return 0
  local url="$MAVEN_CENTRAL/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip"
  local expected actual tmp="$ES_ZIP.tmp.$$"
  log "fetching Elasticsearch $ES_VERSION from $url"
  mkdir -p "$CACHE_DIR"
  curl -fsSL --retry 3 -o "$tmp" "$url" || { rm -f "$tmp"; die "download failed: $url"; }
  expected="$(curl -fsSL --retry 3 "$url.sha1" | cut -c1-40)" || { rm -f "$tmp"; die "download failed: $url.sha1"; }
  actual="$(sha1sum "$tmp" | cut -c1-40)"
  [[ "$expected" == "$actual" ]] || { rm -f "$tmp"; die "checksum mismatch for $url"; }
  mv "$tmp" "$ES_ZIP" # atomic: a concurrent fetch sees no zip or a whole one
}

cmd_fetch() {
  mkdir -p "$CACHE_DIR"
  fetch_kafka
  fetch_elasticsearch
  log "fetch done (cache: $CACHE_DIR)"
}

# --- Kafka ----------------------------------------------------------------------
KAFKA_MARKER="kafka.Kafka"
kafka_pidfile() { echo "$KAFKA_DIR/kafka.pid"; }

# Healthy = the broker answers an ApiVersions (v0) request with error_code 0.
# Its listener only serves requests once the broker has finished starting
# (metadata caught up), so this is stronger than "port open" and needs no client.
kafka_healthy() {
  local response
  response="$(
    exec 2>/dev/null # bash reports "connection refused" while the broker boots
    exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT" || exit 1
    # size=13 | api_key=18 ApiVersions | api_version=0 | correlation_id=1 | client_id="nws"
    printf '\x00\x00\x00\x0d\x00\x12\x00\x00\x00\x00\x00\x01\x00\x03nws' >&3
    timeout 5 head -c 10 <&3 | od -An -tx1 | tr -d ' \n'
  )" || return 1
  # response: size(4) correlation_id(4)=1 error_code(2)=0
  [[ "${response:8:12}" == "000000010000" ]]
}

write_kafka_config() {
  # Rewritten on every start so port changes take effect; the data survives.
  cat >"$KAFKA_DIR/server.properties" <<EOF
# Generated by deploy/local/services.sh -- edits are overwritten on start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/data

# Single node: every internal topic must live with one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
num.partitions=3
# Consumers join immediately instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0
# The app creates its topics explicitly; auto-creation is a convenience for tools.
auto.create.topics.enable=true

# Allow large (up to $KAFKA_MAX_MESSAGE_BYTES bytes) records; see the README.
message.max.bytes=$KAFKA_MAX_MESSAGE_BYTES
replica.fetch.max.bytes=$KAFKA_MAX_MESSAGE_BYTES
EOF
}

# KRaft needs its log directory formatted once with a cluster id.
format_kafka_storage() {
  local java="$1" cluster_id
  [[ -f "$KAFKA_DIR/data/meta.properties" ]] && return 0
  log "kafka: formatting KRaft storage in $KAFKA_DIR/data"
  cluster_id="$("$java" -cp "$KAFKA_LIBS/*" "${KAFKA_LOG_OPTS[@]}" kafka.tools.StorageTool random-uuid)"
  "$java" -cp "$KAFKA_LIBS/*" "${KAFKA_LOG_OPTS[@]}" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$KAFKA_DIR/server.properties" >>"$KAFKA_DIR/logs/kafka.out" 2>&1 ||
    { print_log_tail kafka "$KAFKA_DIR/logs/kafka.out"; die "kafka: storage format failed"; }
}

# Launch the broker in the background (does not wait for it).
launch_kafka() {
  local java_home java
  if live_pid "$(kafka_pidfile)" "$KAFKA_MARKER" >/dev/null; then
    return 0 # running (maybe still starting); the health wait decides
  fi
  port_open "$KAFKA_PORT" && die "kafka: port $KAFKA_PORT is already used by another process"
  port_open "$KAFKA_CONTROLLER_PORT" && die "kafka: controller port $KAFKA_CONTROLLER_PORT is already used by another process"
  fetch_kafka
  java_home="$(kafka_java_home)"
  java="$java_home/bin/java"
  mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
  KAFKA_LOG_OPTS=("-Dlog4j2.configurationFile=$SCRIPT_DIR/kafka/log4j2.xml" "-Dkafka.logs.dir=$KAFKA_DIR/logs")
  write_kafka_config
  format_kafka_storage "$java"
  log "kafka: starting $KAFKA_VERSION (java: $java_home)"
  # setsid: own session, so a Ctrl-C in the shell that ran `make` does not
  # reach the broker. Not a process-group leader here, so setsid does not fork
  # and $! is the JVM's pid.
  setsid "$java" -Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    "${KAFKA_LOG_OPTS[@]}" -cp "$KAFKA_LIBS/*" \
    kafka.Kafka "$KAFKA_DIR/server.properties" \
    >>"$KAFKA_DIR/logs/kafka.out" 2>&1 </dev/null 9>&- &
  echo $! >"$(kafka_pidfile)"
}

wait_kafka() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until kafka_healthy; do
    if ! live_pid "$(kafka_pidfile)" "$KAFKA_MARKER" >/dev/null; then
      print_log_tail kafka "$KAFKA_DIR/logs/kafka.out" "$KAFKA_DIR/logs/server.log"
      die "kafka: process exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      print_log_tail kafka "$KAFKA_DIR/logs/kafka.out" "$KAFKA_DIR/logs/server.log"
      die "kafka: not healthy after ${START_TIMEOUT}s (still running, pid $(cat "$(kafka_pidfile)"))"
    fi
    sleep 1
  done
  log "kafka: ready at 127.0.0.1:$KAFKA_PORT"
}

stop_kafka() {
  terminate kafka "$(kafka_pidfile)" "$KAFKA_MARKER"
}

wipe_kafka() {
  rm -rf "$KAFKA_DIR"
  log "kafka: data wiped"
}

# --- Elasticsearch --------------------------------------------------------------
ES_MARKER="org.elasticsearch.bootstrap.Elasticsearch"

ensure_es_user() {
  is_root || return 0
  id -u "$ES_USER" >/dev/null 2>&1 && return 0
  log "elasticsearch: creating system user $ES_USER (ES refuses to run as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$ES_USER"
}

# Run a command as the user ES runs as (ourselves unless we are root).
as_es_user() {
  if is_root; then runuser -u "$ES_USER" -- "$@"; else "$@"; fi
}

# Where ES's files live. Normally $LOCAL_DIR/elasticsearch. When we are root and
# $ES_USER cannot reach $LOCAL_DIR (e.g. the repo is under /root, mode 700), ES
# gets a directory under /var/tmp instead, and $LOCAL_DIR/elasticsearch becomes
# a symlink to it so that everything is still found from $LOCAL_DIR.
es_state_dir() {
  [[ -n "$ES_DIR" ]] && { echo "$ES_DIR"; return 0; }
  local link="$LOCAL_DIR/elasticsearch" hash
  if [[ -L "$link" ]]; then
    ES_DIR="$(readlink -f "$link")"
  elif [[ -d "$link" ]] || ! is_root || ! id -u "$ES_USER" >/dev/null 2>&1 ||
    as_es_user test -x "$LOCAL_DIR" 2>/dev/null; then
    ES_DIR="$link"
  else
    hash="$(printf '%s' "$LOCAL_DIR" | sha256sum | cut -c1-12)"
    ES_DIR="/var/tmp/newswire-es-$hash"
    log "elasticsearch: $ES_USER cannot reach $LOCAL_DIR; keeping ES files in $ES_DIR (symlinked from $link)"
    mkdir -p "$ES_DIR"
    ln -sfn "$ES_DIR" "$link"
  fi
  echo "$ES_DIR"
}

es_pidfile() { echo "$(es_state_dir)/run/elasticsearch.pid"; }

es_url() { echo "http://127.0.0.1:$ES_PORT"; }

es_health_json() {
  curl -fsS --max-time 10 "$(es_url)/_cluster/health?wait_for_status=yellow&timeout=5s" 2>/dev/null
}

es_healthy() { es_health_json >/dev/null; }

# Unpack the cached zip into $ES_DIR/home (once per version).
install_elasticsearch() {
  local dir="$1" home="$1/home"
  if [[ ! -f "$home/.complete-$ES_VERSION" ]]; then
    fetch_elasticsearch
    log "elasticsearch: unpacking $ES_VERSION into $home"
    rm -rf "$home" "$dir/unpack.tmp" "$dir/config" # config is re-seeded from the new version
    mkdir -p "$dir/unpack.tmp"
    unzip -q "$ES_ZIP" -d "$dir/unpack.tmp"
    mv "$dir/unpack.tmp/elasticsearch-$ES_VERSION" "$home"
    rm -rf "$dir/unpack.tmp"
    touch "$home/.complete-$ES_VERSION"
  fi
  # Our own config dir (ES_PATH_CONF): the distribution's defaults plus our yml.
  if [[ ! -f "$dir/config/jvm.options" ]]; then
    mkdir -p "$dir/config"
    cp -R "$home/config/." "$dir/config/"
    # The default keeps up to 32 x 64 MB of GC logs; a dev node needs far less.
    sed -i 's/filecount=32,filesize=64m/filecount=4,filesize=16m/' "$dir/config/jvm.options"
  fi
}

write_es_config() {
  local dir="$1"
  # Only settings this distribution knows: an unknown setting aborts startup.
  # The integ-test-zip has x-pack-core/-security, so xpack.security.* exists.
  cat >"$dir/config/elasticsearch.yml" <<EOF
# Generated by deploy/local/services.sh -- edits are overwritten on start.
cluster.name: newswire-local
node.name: local
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
path.data: $dir/data
path.logs: $dir/logs
xpack.security.enabled: false
# A developer disk that is 90 % full must not turn indices read-only.
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
}

launch_elasticsearch() {
  local dir java_home
  ensure_es_user
  dir="$(es_state_dir)"
  if live_pid "$dir/run/elasticsearch.pid" "$ES_MARKER" >/dev/null; then
    return 0
  fi
  port_open "$ES_PORT" && die "elasticsearch: port $ES_PORT is already used by another process"
  port_open "$ES_TRANSPORT_PORT" && die "elasticsearch: transport port $ES_TRANSPORT_PORT is already used by another process"
  mkdir -p "$dir"
  install_elasticsearch "$dir"
  mkdir -p "$dir/data" "$dir/logs" "$dir/run" "$dir/tmp"
  write_es_config "$dir"
  rm -f "$dir/run/elasticsearch.pid" "$dir/logs/launcher.out"
  if is_root; then chown -R "$ES_USER:" "$dir"; fi
  java_home="$(es_java_home)"
  local -a run_as=()
  local user
  user="$(id -un)"
  if is_root; then run_as=(runuser -u "$ES_USER" --) user="$ES_USER"; fi
  log "elasticsearch: starting $ES_VERSION (java: $java_home, user: $user)"
  # -d daemonizes once the node has started (or prints why it could not); -p
  # makes ES write the server's pid. The launcher runs in the background so
  # Kafka and ES start in parallel; wait_elasticsearch watches both it and HTTP.
  (
    cd "$dir" # the ES user may not be allowed into our cwd
    exec setsid "${run_as[@]}" env \
      ES_JAVA_HOME="$java_home" \
      ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP ${NEWSWIRE_ES_JAVA_OPTS:-}" \
      ES_PATH_CONF="$dir/config" \
      ES_TMPDIR="$dir/tmp" \
      "$dir/home/bin/elasticsearch" -d -p "$dir/run/elasticsearch.pid"
  ) >>"$dir/logs/launcher.out" 2>&1 </dev/null 9>&- &
  ES_LAUNCHER_PID=$!
}

es_log_files() {
  local dir
  dir="$(es_state_dir)"
  echo "$dir/logs/launcher.out"
  echo "$dir/logs/newswire-local.log"
}

wait_elasticsearch() {
  local deadline=$((SECONDS + START_TIMEOUT)) rc
  local -a logs
  mapfile -t logs < <(es_log_files)
  until es_healthy; do
    # The launcher exits 0 once the node runs; non-zero means startup failed.
    if [[ -n "${ES_LAUNCHER_PID:-}" ]] && ! kill -0 "$ES_LAUNCHER_PID" 2>/dev/null; then
      rc=0
      wait "$ES_LAUNCHER_PID" || rc=$?
      ES_LAUNCHER_PID=""
      if ((rc != 0)); then
        print_log_tail elasticsearch "${logs[@]}"
        die "elasticsearch: launcher exited with status $rc"
      fi
    fi
    if [[ -z "${ES_LAUNCHER_PID:-}" ]] && ! live_pid "$(es_pidfile)" "$ES_MARKER" >/dev/null; then
      print_log_tail elasticsearch "${logs[@]}"
      die "elasticsearch: process is not running"
    fi
    if ((SECONDS >= deadline)); then
      print_log_tail elasticsearch "${logs[@]}"
      die "elasticsearch: not healthy after ${START_TIMEOUT}s"
    fi
    sleep 1
  done
  log "elasticsearch: ready at $(es_url)"
}

stop_elasticsearch() {
  terminate elasticsearch "$(es_pidfile)" "$ES_MARKER"
}

wipe_elasticsearch() {
  local dir
  dir="$(es_state_dir)"
  # Keep the unpacked distribution (home/) and config; drop data and logs.
  rm -rf "$dir/data" "$dir/logs" "$dir/run" "$dir/tmp"
  log "elasticsearch: data wiped"
}

# --- subcommands -----------------------------------------------------------------
# Set SERVICES to the services a command-line argument names.
parse_services() {
  case "${1:-all}" in
    all) SERVICES=(kafka elasticsearch) ;;
    kafka) SERVICES=(kafka) ;;
    elasticsearch | es) SERVICES=(elasticsearch) ;;
    *) die "unknown service: $1 (expected kafka, elasticsearch or all)" ;;
  esac
}

# One lock for start/stop/kill so that parallel callers (make -j, tests) do not
# launch a service twice or stop it while another call is starting it. The
# services are launched with fd 9 closed (`9>&-`) so they do not inherit it.
take_lock() {
  mkdir -p "$LOCAL_DIR"
  exec 9>"$LOCAL_DIR/.services.lock"
  flock -w $((START_TIMEOUT * 2 + 60)) 9 || die "timed out waiting for $LOCAL_DIR/.services.lock"
}

cmd_start() {
  local service
  parse_services "${1:-all}"
  take_lock
  # Launch everything first, then wait, so the two JVMs boot in parallel.
  for service in "${SERVICES[@]}"; do
    if [[ $service == kafka ]] && kafka_healthy; then
      log "kafka: already running at 127.0.0.1:$KAFKA_PORT"
    elif [[ $service == elasticsearch ]] && es_healthy; then
      log "elasticsearch: already running at $(es_url)"
    else
      "launch_$service"
    fi
  done
  for service in "${SERVICES[@]}"; do
    "wait_$service"
  done
  print_endpoints "${SERVICES[@]}"
}

print_endpoints() {
  local service
  for service in "$@"; do
    case $service in
      kafka) echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT" ;;
      elasticsearch) echo "ELASTICSEARCH_URL=$(es_url)" ;;
    esac
  done
}

cmd_stop() {
  local service="all" wipe=false arg
  for arg in "$@"; do
    case $arg in
      --wipe) wipe=true ;;
      *) service="$arg" ;;
    esac
  done
  parse_services "$service"
  take_lock
  for service in "${SERVICES[@]}"; do
    "stop_$service"
    if $wipe; then "wipe_$service"; fi
  done
}

cmd_kill() {
  [[ $# -eq 1 && $1 != all ]] || die "usage: services.sh kill kafka|elasticsearch"
  local service pidfile marker
  parse_services "$1"
  service="${SERVICES[0]}"
  take_lock
  if [[ $service == kafka ]]; then
    pidfile="$(kafka_pidfile)" marker="$KAFKA_MARKER"
  else
    pidfile="$(es_pidfile)" marker="$ES_MARKER"
  fi
  if live_pid "$pidfile" "$marker" >/dev/null; then
    signal_and_wait "$pidfile" KILL "$marker" 10 || die "$service: survived SIGKILL"
    log "$service: killed (SIGKILL)"
  else
    log "$service: not running"
  fi
  rm -f "$pidfile"
}

cmd_status() {
  local service down=0 pid health
  parse_services "${1:-all}"
  for service in "${SERVICES[@]}"; do
    case $service in
      kafka)
        pid="$(live_pid "$(kafka_pidfile)" "$KAFKA_MARKER" || echo -)"
        if kafka_healthy; then
          echo "kafka: up (127.0.0.1:$KAFKA_PORT, pid $pid)"
        else
          echo "kafka: down (127.0.0.1:$KAFKA_PORT, pid $pid)"
          down=1
        fi
        ;;
      elasticsearch)
        pid="$(live_pid "$(es_pidfile)" "$ES_MARKER" || echo -)"
        if health="$(es_health_json)"; then
          health="$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$health")"
          echo "elasticsearch: up ($(es_url), cluster $health, pid $pid)"
        else
          echo "elasticsearch: down ($(es_url), pid $pid)"
          down=1
        fi
        ;;
    esac
  done
  return "$down"
}

cmd_logs() {
  [[ $# -eq 1 && $1 != all ]] || die "usage: services.sh logs kafka|elasticsearch"
  parse_services "$1"
  if [[ "${SERVICES[0]}" == kafka ]]; then
    print_log_tail kafka "$KAFKA_DIR/logs/kafka.out" "$KAFKA_DIR/logs/server.log" 2>&1
  else
    local -a logs
    mapfile -t logs < <(es_log_files)
    print_log_tail elasticsearch "${logs[@]}" 2>&1
  fi
}

main() {
  local command="${1:-}"
  [[ $# -gt 0 ]] && shift
  case $command in
    fetch) cmd_fetch ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    kill) cmd_kill "$@" ;;
    status) cmd_status "$@" ;;
    logs) cmd_logs "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
