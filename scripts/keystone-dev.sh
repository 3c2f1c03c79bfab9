#!/usr/bin/env bash
# A real OpenStack Keystone (Debian's python3-keystone) on 127.0.0.1 with SQLite, for development
# and for `npm run test:keystone`.
#
#   scripts/keystone-dev.sh start    install when missing, fresh state, bootstrap, serve in the background
#   scripts/keystone-dev.sh stop     stop the server started by `start`
#
# Environment:
#   KEYSTONE_HOME            state folder (config, SQLite, keys, log, pid, fixtures.json)
#                            default ${TMPDIR:-/tmp}/backup-sharing-keystone
#   KEYSTONE_PORT            default 35357 (5000 is often taken by other tools)
#   KEYSTONE_ADMIN_PASSWORD  default adminpw
#
# `start` bootstraps through Keystone's own API: projects alpha, beta, gamma and service; users
# alice (member of alpha), bob (member of beta), carol (member of gamma), the bootstrap admin
# (admin of project admin) and the service user backup-sharing (role service on project service),
# which the demo host uses to validate tokens. It writes everything a client needs to
# $KEYSTONE_HOME/fixtures.json and prints the demo host's environment.
#
# Installs only the library package python3-keystone, not the `keystone` service package (which
# adds dbconfig-common, debconf prompts, uwsgi and an init script that are not needed here), and
# always runs the /usr/bin entry points: their shebang is the system Python that has keystone.
set -euo pipefail

HOME_DIR=${KEYSTONE_HOME:-${TMPDIR:-/tmp}/backup-sharing-keystone}
PORT=${KEYSTONE_PORT:-35357}
ADMIN_PW=${KEYSTONE_ADMIN_PASSWORD:-adminpw}
URL=http://127.0.0.1:$PORT
KS=$URL/v3
PID_FILE=$HOME_DIR/keystone.pid

log() { echo "keystone-dev: $*" >&2; }
die() { log "$*"; exit 1; }

stop() {
  [ -f "$PID_FILE" ] || return 0
  local pid; pid=$(cat "$PID_FILE")
  # The server runs in its own session (setsid), so its process group id is its pid.
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

install_when_missing() {
  local missing=()
  dpkg -s python3-keystone >/dev/null 2>&1 || missing+=(python3-keystone)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]}; install them as root: apt-get install --no-install-recommends ${missing[*]}"
  log "installing ${missing[*]} (about a minute)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

write_config() {
  rm -rf "$HOME_DIR"
  mkdir -p "$HOME_DIR"/{etc,log}
  cat >"$HOME_DIR/etc/keystone.conf" <<EOF
[DEFAULT]
debug = false
log_file = $HOME_DIR/log/keystone.log

[database]
connection = sqlite:///$HOME_DIR/keystone.db

[token]
provider = fernet
expiration = 3600

[fernet_tokens]
key_repository = $HOME_DIR/fernet-keys

[fernet_receipts]
key_repository = $HOME_DIR/fernet-keys

[credential]
key_repository = $HOME_DIR/credential-keys

[identity]
# The minimum bcrypt cost keeps password authentication fast; this Keystone holds test users only.
password_hash_rounds = 4

[cache]
# Without a cache every token validation runs hundreds of SQL queries (about 0.7 s each).
# The in-process memory cache is correct only with one server process, which wsgiref is.
enabled = true
backend = dogpile.cache.memory
EOF
}

# keystone-manage prints a harmless eventlet traceback ("Exception ignored ... getcurrent") at exit.
quiet() { "$@" 2> >(grep -vE 'Exception ignored|Traceback|File "|AttributeError|^\s*$' >&2); }

setup_database() {
  local km=(/usr/bin/keystone-manage --config-file "$HOME_DIR/etc/keystone.conf")
  local user group; user=$(id -un); group=$(id -gn)
  # No `keystone` system user exists with the library package alone: name the current one.
  quiet "${km[@]}" fernet_setup --keystone-user "$user" --keystone-group "$group"
  quiet "${km[@]}" credential_setup --keystone-user "$user" --keystone-group "$group"
  chmod 700 "$HOME_DIR/fernet-keys" "$HOME_DIR/credential-keys"
  quiet "${km[@]}" db_sync
  quiet "${km[@]}" bootstrap --bootstrap-password "$ADMIN_PW" \
    --bootstrap-admin-url "$KS/" --bootstrap-internal-url "$KS/" --bootstrap-public-url "$KS/" \
    --bootstrap-region-id RegionOne
}

start_server() {
  if curl -s -o /dev/null --max-time 2 "$KS"; then
    die "port $PORT already answers HTTP; stop that server or choose another KEYSTONE_PORT"
  fi
  # keystone-wsgi-public serves with wsgiref: one process, one thread (hence the memory cache).
  OS_KEYSTONE_CONFIG_DIR=$HOME_DIR/etc setsid /usr/bin/keystone-wsgi-public --host 127.0.0.1 --port "$PORT" \
    >"$HOME_DIR/log/wsgi.out" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  for _ in $(seq 300); do
    curl -sf -o /dev/null "$KS" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$HOME_DIR/log/wsgi.out" >&2; die "keystone-wsgi-public exited"; }
    sleep 0.1
  done
  stop
  die "Keystone did not answer on $KS within 30 s; see $HOME_DIR/log/"
}

# user password project -> the project-scoped token (Keystone returns it in X-Subject-Token).
token() {
  local body
  body=$(jq -nc --arg u "$1" --arg p "$2" --arg pr "$3" \
    '{auth:{identity:{methods:["password"],password:{user:{name:$u,domain:{id:"default"},password:$p}}},
            scope:{project:{name:$pr,domain:{id:"default"}}}}}')
  curl -sf -D - -o /dev/null -H 'Content-Type: application/json' -d "$body" "$KS/auth/tokens" |
    awk 'tolower($1)=="x-subject-token:"{print $2}' | tr -d '\r'
}

bootstrap_fixtures() {
  local admin_token; admin_token=$(token admin "$ADMIN_PW" admin)
  [ -n "$admin_token" ] || die "the bootstrap admin could not get a token"
  api() { curl -sf -H "X-Auth-Token: $admin_token" -H 'Content-Type: application/json' "$@"; }
  role_id() {
    local id; id=$(api "$KS/roles?name=$1" | jq -r '.roles[0].id // empty')
    [ -n "$id" ] || id=$(api -X POST "$KS/roles" -d "{\"role\":{\"name\":\"$1\"}}" | jq -r .role.id)
    echo "$id"
  }
  local fixtures; fixtures=$(jq -n --arg url "$URL" --arg home "$HOME_DIR" --arg pid "$(cat "$PID_FILE")" \
    '{url:$url, pid:($pid|tonumber), home:$home, projects:{}, users:{}}')
  local admin_project; admin_project=$(api "$KS/projects?name=admin" | jq -r '.projects[0].id')
  fixtures=$(jq --arg id "$admin_project" --arg pw "$ADMIN_PW" \
    '.projects.admin={name:"admin",id:$id} | .users.admin={name:"admin",password:$pw,project:"admin",role:"admin"}' <<<"$fixtures")

  # key project user password role
  for spec in "owner alpha alice alice-secret member" "recipient beta bob bob-secret member" \
              "other gamma carol carol-secret member" "service service backup-sharing service-secret service"; do
    set -- $spec
    local project user
    project=$(api -X POST "$KS/projects" -d "{\"project\":{\"name\":\"$2\",\"domain_id\":\"default\"}}" | jq -r .project.id)
    user=$(api -X POST "$KS/users" \
      -d "{\"user\":{\"name\":\"$3\",\"domain_id\":\"default\",\"password\":\"$4\",\"default_project_id\":\"$project\"}}" | jq -r .user.id)
    api -X PUT "$KS/projects/$project/users/$user/roles/$(role_id "$5")" >/dev/null
    fixtures=$(jq --arg k "$1" --arg p "$2" --arg pid "$project" --arg u "$3" --arg uid "$user" --arg pw "$4" --arg r "$5" \
      '.projects[$k]={name:$p,id:$pid} | .users[$k]={name:$u,id:$uid,password:$pw,project:$p,role:$r}' <<<"$fixtures")
  done
  echo "$fixtures" >"$HOME_DIR/fixtures.json"
}

start() {
  local began=$SECONDS
  install_when_missing
  stop
  write_config
  setup_database
  start_server
  bootstrap_fixtures
  log "Keystone $(dpkg-query -W -f='${Version}' python3-keystone) serves $KS (pid $(cat "$PID_FILE"), ready in $((SECONDS - began)) s)"
  log "fixtures: $HOME_DIR/fixtures.json; log: $HOME_DIR/log/keystone.log"
  log "stop with: KEYSTONE_HOME=$HOME_DIR $0 stop"
  cat <<EOF
# The demo host against this Keystone:
export AUTH_STRATEGY=keystone KEYSTONE_URL=$URL
export KEYSTONE_SERVICE_USER=backup-sharing KEYSTONE_SERVICE_PASSWORD=service-secret KEYSTONE_SERVICE_PROJECT=service
# A token for alice (project alpha):
#   curl -si -H 'Content-Type: application/json' $KS/auth/tokens -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"alice","domain":{"id":"default"},"password":"alice-secret"}}},"scope":{"project":{"name":"alpha","domain":{"id":"default"}}}}}' | grep -i x-subject-token
EOF
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 [start|stop]" ;;
esac
