#!/usr/bin/env bash
# A 3-node MariaDB Galera cluster on 127.0.0.1 from Debian's packages (mariadb-server, galera-4,
# rsync), for development and for `npm run test:galera`. Never touches the MariaDB on 3306: every
# node reads only its own option file (--defaults-file), so /etc/mysql is ignored.
#
#   scripts/galera-dev.sh start      install what is missing, start the 3 nodes, wait until all are
#                                    Synced in a cluster of 3, print the URLs (already up: URLs only)
#   scripts/galera-dev.sh stop       stop the nodes this script started (by their pid files)
#   scripts/galera-dev.sh status     per node: running?, wsrep_local_state_comment, cluster size
#   scripts/galera-dev.sh urls       the nodes' URLs, one a line
#   scripts/galera-dev.sh kill N     kill -9 of node N (fault tests)
#   scripts/galera-dev.sh restart N  start node N again at its recovered position, so that it
#                                    rejoins by IST where the donor's gcache still holds the gap;
#                                    first waits (up to 30 s) until the other nodes have evicted its
#                                    killed predecessor, then returns once the process runs (see `wait`)
#   scripts/galera-dev.sh wait N     wait until node N is Synced again
#   scripts/galera-dev.sh state N    one line: stopped, starting (process up, not answering yet)
#                                    or the node's wsrep_local_state_comment (Synced, Joining, ...)
#
# Node N (1-3): SQL port 3307N, gcomm 4567N, IST 4568N, SST 4569N; user app / password app over TCP
# with every privilege (tests create and drop databases). Node 1 bootstraps the cluster; nodes 2
# and 3 copy it by rsync (SST). A `start` with no node running begins from empty data folders;
# with some running, it restarts the others. Fault tests kill one node at a time: with two of three
# down the survivor loses quorum and the cluster needs a fresh `start` (after `stop`). start, stop,
# kill and restart take a lock in the state folder, so concurrent callers queue.
#
# From nothing, `start` takes about 10 s on an idle 2-core machine, 15 s on a busy one:
# mariadb-install-db once (~2.5 s), node 1 up (~1 s), then two rsync SSTs that one donor serves in
# turn (~4-5 s each); node 3 joins while node 2's copy runs.
#
# Environment:
#   GALERA_DIR           state folder (option files, data, sockets, pid files, logs)
#                        default /tmp/backup-sharing-galera
#   GALERA_WAIT_SECONDS  bound of each wait (default 180: the machine may be busy)
#   GALERA_PROVIDER_OPTIONS  more wsrep_provider_options for a fresh start, e.g.
#                        "evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT3S":
#                        after a kill -9 the other nodes hold commits until they evict the dead one
#                        (evs.suspect_timeout, default PT5S); shorter risks evicting a live node that
#                        a busy machine delays
set -euo pipefail

DIR=${GALERA_DIR:-/tmp/backup-sharing-galera}
WAIT_SECONDS=${GALERA_WAIT_SECONDS:-180}
EXTRA_PROVIDER_OPTIONS=${GALERA_PROVIDER_OPTIONS:+;$GALERA_PROVIDER_OPTIONS}
NODES=(1 2 3)
APP_USER=app
APP_PASSWORD=app
MARIADBD=/usr/sbin/mariadbd
PROVIDER=/usr/lib/galera/libgalera_smm.so
GCOMM=gcomm://127.0.0.1:45671,127.0.0.1:45672,127.0.0.1:45673

log() { echo "galera-dev: $*" >&2; }
die() { log "$*"; exit 1; }

case "$DIR" in
  /*) ;;
  *) die "GALERA_DIR must be an absolute path (got '$DIR')" ;;
esac
[ "$DIR" != / ] || die "GALERA_DIR must not be /"

# As root the servers run as mysql (as Debian's service does); otherwise as the calling user.
# The calling OS user logs in as the database user of the same name through the node's socket
# (unix_socket): mariadb-install-db creates root@localhost so, and the account named next.
SOCKET_USER=$(id -un)
if [ "$(id -u)" = 0 ]; then
  RUN_AS=(--user=mysql); OWNER=mysql; INSTALL_AS=(--user=mysql)
else
  RUN_AS=(); OWNER=$SOCKET_USER; INSTALL_AS=(--auth-root-socket-user="$SOCKET_USER")
fi

node_dir() { echo "$DIR/node$1"; }
cnf() { echo "$DIR/node$1/my.cnf"; }
pid_file() { echo "$DIR/node$1/mariadbd.pid"; }
# Written by this script at launch: mariadbd writes its own pid-file only after joining (SST included).
launched_pid_file() { echo "$DIR/node$1/launched.pid"; }
error_log() { echo "$DIR/node$1/error.log"; }
url() { echo "mysql://$APP_USER:$APP_PASSWORD@127.0.0.1:3307$1/"; }
check_node() { case "${1:-}" in 1 | 2 | 3) ;; *) die "node must be 1, 2 or 3 (got '${1:-}')" ;; esac; }

# The pid of node N's server when it runs, verified by its command line (a stale pid file after
# kill -9 may name a pid that another process has since been given).
node_pid() {
  local file pid
  file=$(launched_pid_file "$1")
  [ -s "$file" ] || return 1
  pid=$(tr -dc 0-9 <"$file")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "--defaults-file=$(cnf "$1")" || return 1
  echo "$pid"
}
running() { node_pid "$1" >/dev/null; }

sql() {
  local n=$1; shift
  mariadb --defaults-file="$(cnf "$n")" -u "$SOCKET_USER" --connect-timeout=2 -N -B "$@"
}

# Sets W_STATE (wsrep_local_state_comment, e.g. "Joining: receiving State Transfer"), W_SIZE
# (wsrep_cluster_size) and W_READY (wsrep_ready) of node N; fails when the server does not answer.
wsrep_status() {
  local line
  line=$(sql "$1" -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_cluster_size', 'wsrep_ready')" 2>/dev/null |
    awk -F '\t' '{ v[$1] = $2 } END { if (v["wsrep_local_state_comment"] != "") printf "%s\t%s\t%s\n", v["wsrep_local_state_comment"], v["wsrep_cluster_size"], v["wsrep_ready"] }') || true
  [ -n "$line" ] || return 1
  IFS=$'\t' read -r W_STATE W_SIZE W_READY <<<"$line"
}

state() {
  running "$1" || { echo stopped; return; }
  if wsrep_status "$1"; then echo "$W_STATE"; else echo starting; fi
}

synced() {
  wsrep_status "$1" && [ "$W_STATE" = Synced ] && [ "$W_READY" = ON ] && { [ -z "${WANT_SIZE:-}" ] || [ "$W_SIZE" = "$WANT_SIZE" ]; }
}

install_when_missing() {
  local missing=()
  [ -x "$MARIADBD" ] && command -v mariadb-install-db >/dev/null 2>&1 && command -v mariadb >/dev/null 2>&1 ||
    missing+=(mariadb-server)
  [ -e "$PROVIDER" ] || missing+=(galera-4)
  command -v rsync >/dev/null 2>&1 || missing+=(rsync)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}"
  log "installing ${missing[*]}"
  # Without systemd, mariadb-server's postinst would start Debian's own server on 3306; a
  # policy-rc.d that answers 101 ("action forbidden") keeps it down while the packages install.
  local policy=/usr/sbin/policy-rc.d own_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
  fi
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; } || rc=$?
  [ -z "$own_policy" ] || rm -f "$policy"
  [ $rc -eq 0 ] || die "apt-get install ${missing[*]} failed"
}

write_config() {
  local n=$1 d; d=$(node_dir "$n")
  cat >"$(cnf "$n")" <<EOF
[client]
socket = $d/mysqld.sock

[mysqld]
datadir = $d/data
socket = $d/mysqld.sock
pid-file = $(pid_file "$n")
log-error = $(error_log "$n")
port = 3307$n
bind-address = 127.0.0.1
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2
innodb_buffer_pool_size = 64M
# A small redo log: less to write at initialisation and to copy at each SST.
innodb_log_file_size = 32M
# Commits reach the OS at once and disk within a second: a killed mariadbd loses nothing (the
# cluster, not the local disk, is what makes a Galera commit durable), and 2 cores are spared fsyncs.
innodb_flush_log_at_trx_commit = 2
max_connections = 300
wsrep_on = ON
wsrep_provider = $PROVIDER
wsrep_cluster_name = backup-sharing-galera
wsrep_cluster_address = $GCOMM
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1:4567$n
wsrep_node_incoming_address = 127.0.0.1:3307$n
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:4567$n;ist.recv_addr=127.0.0.1:4568$n;gcache.size=64M$EXTRA_PROVIDER_OPTIONS"
wsrep_sst_receive_address = 127.0.0.1:4569$n
wsrep_sst_method = rsync
EOF
}

# Launches node N's server in its own session, its output in the node folder; returns at once.
launch() {
  local n=$1; shift
  local d; d=$(node_dir "$n")
  rm -f "$(pid_file "$n")" "$(launched_pid_file "$n")"
  # setsid execs the server in place (a background job is no process group leader), so $! is its pid.
  setsid "$MARIADBD" --defaults-file="$(cnf "$n")" "${RUN_AS[@]}" "$@" </dev/null >>"$d/mariadbd.out" 2>&1 9>&- &
  local launched=$!
  echo "$launched" >"$(launched_pid_file "$n")"
  # Until the exec the process still bears the shell's command line.
  for _ in $(seq 100); do
    running "$n" && return 0
    kill -0 "$launched" 2>/dev/null || break
    sleep 0.05
  done
  show_logs "$n"
  die "node $n did not start"
}

show_logs() {
  local n
  for n in "$@"; do
    log "---- node $n: state $(state "$n"); last lines of $(error_log "$n"):"
    tail -n 25 "$(error_log "$n")" >&2 2>/dev/null || log "(no error log)"
  done
}

# Waits until every node named is Synced (and, with WANT_SIZE, in a cluster of that size).
wait_synced() {
  local deadline=$((SECONDS + WAIT_SECONDS)) n pending
  while :; do
    pending=()
    for n in "$@"; do
      running "$n" || { show_logs "$n"; die "node $n exited"; }
      synced "$n" || pending+=("$n")
    done
    [ ${#pending[@]} -eq 0 ] && return 0
    if [ $SECONDS -ge $deadline ]; then
      show_logs "$@"
      die "node(s) ${pending[*]} not Synced${WANT_SIZE:+ in a cluster of $WANT_SIZE} within $WAIT_SECONDS s"
    fi
    sleep 0.2
  done
}

# Waits until DONOR has begun the state transfer to JOINER (or the joiner is already Synced).
wait_donating() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  while :; do
    wsrep_status "$1" && [ "$W_STATE" != Synced ] && return 0
    synced "$2" && return 0
    running "$2" || { show_logs "$2"; die "node $2 exited"; }
    [ $SECONDS -lt $deadline ] || { show_logs "$1" "$2"; die "node $2 did not begin its state transfer within $WAIT_SECONDS s"; }
    sleep 0.1
  done
}

ports_free() {
  local n port busy=()
  for n in "${NODES[@]}"; do
    for port in 3307$n 4567$n 4568$n 4569$n; do
      ss -Htln "sport = :$port" 2>/dev/null | grep -q . && busy+=("$port")
    done
  done
  [ ${#busy[@]} -eq 0 ] || die "ports already in use by something else: ${busy[*]} (see: ss -ltnp)"
}

cluster_up() {
  local n
  for n in "${NODES[@]}"; do WANT_SIZE=3 synced "$n" || return 1; done
}

print_urls() { local n; for n in "${NODES[@]}"; do url "$n"; done; }

fresh_start() {
  ports_free
  local n
  for n in "${NODES[@]}"; do
    # Only a folder this script made is wiped (GALERA_DIR may name a folder with other contents).
    if [ -e "$(node_dir "$n")" ] && ! grep -qs '^wsrep_cluster_name = backup-sharing-galera$' "$(cnf "$n")"; then
      die "$(node_dir "$n") exists and is no node of this script; remove it or choose another GALERA_DIR"
    fi
    rm -rf "$(node_dir "$n")"
  done
  mkdir -p "$DIR"
  for n in "${NODES[@]}"; do
    mkdir -p "$(node_dir "$n")/data"
    write_config "$n"
    chown -R "$OWNER" "$(node_dir "$n")"
  done
  # Only node 1 is initialised: the others receive its datadir by SST when they join.
  mariadb-install-db --defaults-file="$(cnf 1)" "${INSTALL_AS[@]}" --skip-test-db --auth-root-authentication-method=socket \
    >"$(node_dir 1)/install-db.out" 2>&1 || { cat "$(node_dir 1)/install-db.out" >&2; die "mariadb-install-db failed"; }
  launch 1 --wsrep-new-cluster
  wait_synced 1
  sql 1 -e "CREATE USER IF NOT EXISTS '$APP_USER'@'127.0.0.1' IDENTIFIED BY '$APP_PASSWORD';
            GRANT ALL PRIVILEGES ON *.* TO '$APP_USER'@'127.0.0.1' WITH GRANT OPTION;"
  # Node 3 is launched once node 1 serves node 2's SST: a member joining while another is still
  # joining or requesting its transfer holds both up for seconds. Node 3 then joins during node 2's
  # copy and takes the first donor free (node 1 again, about 4 s later).
  launch 2
  wait_donating 1 2
  launch 3
  WANT_SIZE=3 wait_synced "${NODES[@]}"
}

start() {
  local began=$SECONDS n any=
  install_when_missing
  if cluster_up; then print_urls; return 0; fi
  for n in "${NODES[@]}"; do running "$n" && any=1; done
  if [ -n "$any" ]; then
    # Part of the cluster runs: bring back the nodes that are down rather than wipe the data.
    for n in "${NODES[@]}"; do running "$n" || rejoin "$n"; done
    WANT_SIZE=3 wait_synced "${NODES[@]}"
  else
    fresh_start
  fi
  log "3 nodes Synced in a cluster of 3 ($((SECONDS - began)) s); state in $DIR; stop with: $0 stop"
  print_urls
}

# The state-transfer helpers (wsrep_sst_rsync, rsync) of node N that outlive its server: they quit
# within a second or two of noticing, and are ended after 3 s so that a restart finds its SST port
# free. Found by the node's folder on their command line, so nothing else is touched.
reap_helpers() {
  local n=$1 pids files file
  for _ in $(seq 15); do
    pids=()
    files=$(grep -lsaF -- "$(node_dir "$n")/" /proc/[0-9]*/cmdline | xargs -r grep -lsaE 'wsrep_sst|rsync') || true
    for file in $files; do pids+=("$(basename "$(dirname "$file")")"); done
    [ ${#pids[@]} -eq 0 ] && return 0
    sleep 0.2
  done
  log "node $n: ending the state transfer helpers it left: ${pids[*]}"
  kill -TERM "${pids[@]}" 2>/dev/null || true
}

stop() {
  local n pid nodes=() pids=()
  for n in "${NODES[@]}"; do
    pid=$(node_pid "$n") || continue
    kill -TERM "$pid" 2>/dev/null || true
    nodes+=("$n"); pids+=("$pid")
  done
  [ ${#pids[@]} -eq 0 ] && return 0
  local began=$SECONDS i left
  while :; do
    left=()
    for i in "${!pids[@]}"; do
      kill -0 "${pids[$i]}" 2>/dev/null || continue
      left+=("${nodes[$i]}")
      # A joiner in the middle of its state transfer ignores SIGTERM until the transfer ends, and
      # its data is of no use unfinished: it is killed once it has had 10 s.
      if [ $((SECONDS - began)) -ge 10 ] && ! wsrep_status "${nodes[$i]}"; then
        log "node ${nodes[$i]} is still joining; killing it"
        kill -KILL "${pids[$i]}" 2>/dev/null || true
      elif [ $((SECONDS - began)) -ge "$WAIT_SECONDS" ]; then
        log "node ${nodes[$i]} still runs after $WAIT_SECONDS s; killing it"
        kill -KILL "${pids[$i]}" 2>/dev/null || true
      fi
    done
    [ ${#left[@]} -eq 0 ] && break
    sleep 0.2
  done
  for n in "${nodes[@]}"; do reap_helpers "$n"; done
  log "stopped node(s) ${nodes[*]}"
}

status() {
  local n pid
  for n in "${NODES[@]}"; do
    if pid=$(node_pid "$n"); then
      if wsrep_status "$n"; then
        echo "node $n: running (pid $pid), $W_STATE, cluster size $W_SIZE, $(url "$n")"
      else
        echo "node $n: running (pid $pid), not answering yet, $(url "$n")"
      fi
    else
      echo "node $n: stopped"
    fi
  done
}

kill_node() {
  local n=$1 pid
  pid=$(node_pid "$n") || die "node $n is not running"
  kill -KILL "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  reap_helpers "$n"
  log "node $n (pid $pid) killed"
}

# Waits until the running nodes no longer count node N's previous run as a member (after kill -9
# they evict it once evs.suspect_timeout, 5 s, has passed). A node that joins while its previous
# self is still in the view makes the group renegotiate its membership for 10 s or more.
wait_evicted() {
  local n=$1 m deadline=$((SECONDS + 30)) members
  while [ $SECONDS -lt $deadline ]; do
    members=
    for m in "${NODES[@]}"; do
      [ "$m" != "$n" ] && running "$m" || continue
      members+=$(sql "$m" -e "SHOW GLOBAL STATUS LIKE 'wsrep_incoming_addresses'" 2>/dev/null | cut -f2),
    done
    case ",$members" in *"127.0.0.1:3307$n,"*) sleep 0.2 ;; *) return 0 ;; esac
  done
  log "node $n is still a member for the other nodes after 30 s; starting it anyway"
}

# Starts node N at the position InnoDB recovered: after kill -9 grastate.dat says seqno -1, which
# would cost a full SST; with the position the node asks for IST of what it missed.
rejoin() {
  local n=$1 pos=() out
  wait_evicted "$n"
  out=$(node_dir "$n")/recover.log
  rm -f "$out"
  if "$MARIADBD" --defaults-file="$(cnf "$n")" "${RUN_AS[@]}" --wsrep-recover --log-error="$out" >/dev/null 2>&1; then
    local recovered
    recovered=$(grep -a 'WSREP: Recovered position:' "$out" 2>/dev/null | tail -n 1 | sed 's/.*Recovered position:[[:space:]]*//')
    if [ -n "$recovered" ]; then
      pos=(--wsrep_start_position="$recovered")
      log "node $n: recovered position $recovered"
    fi
  else
    log "node $n: position recovery failed (it will join by SST); see $out"
  fi
  launch "$n" "${pos[@]}"
}

restart_node() {
  local n=$1 m others=
  running "$n" && { log "node $n is already running"; return 0; }
  for m in "${NODES[@]}"; do [ "$m" != "$n" ] && running "$m" && others=1; done
  [ -n "$others" ] || die "no other node runs, so node $n has no cluster to rejoin; run: $0 start"
  [ -d "$(node_dir "$n")/data" ] || die "node $n has no data folder in $DIR; run: $0 start"
  rejoin "$n"
  log "node $n started (pid $(node_pid "$n")); wait for it with: $0 wait $n"
}

wait_node() {
  local began=$SECONDS
  wait_synced "$1"
  log "node $1 Synced ($((SECONDS - began)) s)"
}

# start, stop, kill and restart change the cluster: one at a time (the read-only commands run any time,
# e.g. `status` while a restart waits). The servers are launched without this descriptor.
exclusive() {
  mkdir -p "$DIR"
  exec 9>>"$DIR/.lock"
  flock -w $((WAIT_SECONDS * 2)) 9 || die "another scripts/galera-dev.sh holds $DIR/.lock"
}

cmd=${1:-}
case "$cmd" in
  start) exclusive; start ;;
  stop) exclusive; stop ;;
  status) status ;;
  urls) print_urls ;;
  kill) check_node "${2:-}"; exclusive; kill_node "$2" ;;
  restart) check_node "${2:-}"; exclusive; restart_node "$2" ;;
  wait) check_node "${2:-}"; wait_node "$2" ;;
  state) check_node "${2:-}"; state "$2" ;;
  *) die "usage: $0 start|stop|status|urls|kill N|restart N|wait N|state N" ;;
esac
