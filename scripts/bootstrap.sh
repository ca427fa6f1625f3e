# shellcheck shell=bash
# Shared bootstrap functions for ./gridgov (sourced, never run on its own).
# Expects ROOT (the resolved repository root) to be set by the caller.
#
# Everything local lives under $ROOT/.gridgov (gitignored):
#   pgdata/        embedded PostgreSQL 15 + PostGIS + pgRouting cluster
#   run/           its unix socket directory
#   postgres.log   server log (pg_ctl -l)
#   db.password    password of the database superuser "gridgov" (mode 600)
#   jwt.key        JWT signing key, 64 random bytes base64 (mode 600)
#   *.log          output of initdb / apt / npm / dotnet build, shown on failure

PG_BIN=/usr/lib/postgresql/15/bin
GG_DIR="$ROOT/.gridgov"
PGDATA_DIR="$GG_DIR/pgdata"
PG_RUN="$GG_DIR/run"
PG_LOG="$GG_DIR/postgres.log"
PW_FILE="$GG_DIR/db.password"
JWT_FILE="$GG_DIR/jwt.key"
PG_PORT="${GRIDGOV_PGPORT:-55432}"
DB_SUPERUSER=gridgov
if ((EUID == 0)); then PG_OS_USER=gridgov; else PG_OS_USER="$(id -un)"; fi

# shellcheck disable=SC2034 # used by ./gridgov
# osmium-tool and osm2pgrouting: ./gridgov import osm (osm2pgsql: the field's other loader, for hand work on an extract)
PKGS_SERVER=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting postgresql-contrib osmium-tool osm2pgrouting osm2pgsql)
# shellcheck disable=SC2034
PKGS_TEST=(chromium fonts-wqy-zenhei fonts-noto-cjk)
# shellcheck disable=SC2034
PKGS_BENCH=(wrk chromium fonts-noto-cjk)

# shellcheck disable=SC2034
CLUSTER_STARTED=0   # 1 when this invocation started the embedded cluster
DB_PW=""            # superuser password, set by cluster_start / load_db_password

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

say() { printf '[gridgov] %s\n' "$*" >&2; }
die() { printf '[gridgov] error: %s\n' "$*" >&2; exit 1; }

# True when an external database is configured (GRIDGOV_DB): no embedded cluster.
external_db() { [[ -n "${GRIDGOV_DB:-}" ]]; }

ensure_state_dir() {
  mkdir -p "$GG_DIR"
  # root: the postgres user must traverse .gridgov but not list or read it.
  if ((EUID == 0)); then chmod 0711 "$GG_DIR"; else chmod 0700 "$GG_DIR"; fi
}

# Run a command, sending its output to a log file; show the log tail on failure.
run_logged() {
  local log=$1; shift
  local rc=0
  "$@" >"$log" 2>&1 || rc=$?
  ((rc == 0)) && return 0
  say "command failed (exit $rc): $*"
  tail -n 60 "$log" >&2 || true
  say "full output: ${log#"$ROOT"/}"
  return "$rc"
}

# ---------------------------------------------------------------- prerequisites

pkg_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

apt_update() {
  say "running apt-get update ..."
  run_logged "$GG_DIR/apt.log" apt-get -o DPkg::Lock::Timeout=300 update
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive run_logged "$GG_DIR/apt.log" \
    apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@"
}

# ensure_packages PKG... : install missing Debian packages (root) or print the
# one sudo line to run (non-root) and exit 1.
ensure_packages() {
  command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: ./gridgov needs Debian 12 (or a Debian-based system)"
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return 0
  if ((EUID != 0)); then
    echo "sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  ensure_state_dir
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    say "apt package lists are empty"
    apt_update || die "apt-get update failed"
  fi
  say "installing ${missing[*]} ..."
  if ! apt_install "${missing[@]}"; then
    apt_update || die "apt-get update failed"
    say "retrying: installing ${missing[*]} ..."
    apt_install "${missing[@]}" || die "could not install: ${missing[*]}"
  fi
  for p in "${missing[@]}"; do
    pkg_installed "$p" || die "package $p is still not installed after apt-get install"
  done
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 ||
    die "dotnet not found on PATH: install the .NET 10 SDK (package dotnet-sdk-10.0 from Microsoft's repository, or dotnet-install.sh) and put 'dotnet' on PATH"
  local sdks list
  sdks="$(dotnet --list-sdks 2>/dev/null || true)"
  if ! grep -q '^10\.' <<<"$sdks"; then
    list="$(awk '{print $1}' <<<"$sdks" | paste -sd' ' -)"
    die "the .NET 10 SDK is required, but $(command -v dotnet) has SDKs: ${list:-none}"
  fi
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "node and npm must be on PATH to build web-map/ (Node.js 20+; on Debian: apt-get install nodejs npm, or a newer Node.js)"
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  ((major >= 18)) || say "warning: Node.js $(node --version 2>/dev/null) is old; Vite needs Node.js 20+"
}

# ------------------------------------------------------------------- secrets

gen_password() {
  if command -v openssl >/dev/null 2>&1; then openssl rand -hex 24
  else head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; echo; fi
}
gen_jwt_key() { head -c 64 /dev/urandom | base64 -w0; echo; }

# ensure_secret FILE GENERATOR : create FILE once (mode 600) with GENERATOR's output.
ensure_secret() {
  local file=$1 gen=$2
  ensure_state_dir
  if [[ ! -s "$file" ]]; then
    (umask 077; "$gen" >"$file.tmp" && mv -f "$file.tmp" "$file")
  fi
  chmod 600 "$file"
}

load_jwt_key() {
  ensure_secret "$JWT_FILE" gen_jwt_key
  Jwt__SigningKey="$(tr -d '[:space:]' <"$JWT_FILE")"
  export Jwt__SigningKey
}

load_db_password() {
  [[ -r "$PW_FILE" ]] || die "cannot read ${PW_FILE#"$ROOT"/}"
  DB_PW="$(tr -d '[:space:]' <"$PW_FILE")"
  [[ -n "$DB_PW" ]] || die "${PW_FILE#"$ROOT"/} is empty"
}

# ------------------------------------------------------------ embedded cluster

# Run a command as the OS user that owns the cluster (PostgreSQL refuses root).
as_pg() {
  if ((EUID == 0)); then (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else "$@"; fi
}

ensure_pg_os_user() {
  ((EUID == 0)) || return 0
  id -u "$PG_OS_USER" >/dev/null 2>&1 && return 0
  say "creating system user $PG_OS_USER (PostgreSQL does not run as root) ..."
  local grp=(--user-group)
  getent group "$PG_OS_USER" >/dev/null 2>&1 && grp=(-g "$PG_OS_USER")
  useradd --system --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "${grp[@]}" "$PG_OS_USER" ||
    die "could not create system user $PG_OS_USER"
}

# As root, every directory down to .gridgov must be enterable by the postgres user.
check_traversable() {
  ((EUID == 0)) || return 0
  as_pg test -x "$GG_DIR" && return 0
  local d="" part parts
  IFS=/ read -ra parts <<<"${GG_DIR#/}"
  for part in "${parts[@]}"; do
    d="$d/$part"
    as_pg test -x "$d" && continue
    if [[ "$d" == "$ROOT" ]]; then
      say "making the repository directory enterable by user $PG_OS_USER (chmod o+x $d) ..."
      chmod o+x "$d"
    elif [[ "$d" == "$GG_DIR" ]]; then
      chmod 0711 "$d"
    else
      die "PostgreSQL runs as system user '$PG_OS_USER', which cannot enter $d (a parent of the repository). Move the repository to a directory everyone can traverse (e.g. under /work, /srv or /tmp), or run: chmod o+x $d"
    fi
  done
  as_pg test -x "$GG_DIR" || die "user $PG_OS_USER still cannot enter $GG_DIR"
}

# Create the directories, the OS user and (once) the cluster itself.
cluster_prepare() {
  if ! [[ "$PG_PORT" =~ ^[0-9]+$ ]] || ((PG_PORT < 1024 || PG_PORT > 65535)); then
    die "GRIDGOV_PGPORT must be a port number between 1024 and 65535 (got '$PG_PORT')"
  fi
  [[ -x "$PG_BIN/pg_ctl" ]] || die "$PG_BIN/pg_ctl not found (is postgresql-15 installed?)"
  ensure_state_dir
  ensure_pg_os_user
  mkdir -p "$PG_RUN" "$PGDATA_DIR"
  if ((EUID == 0)); then
    chown "$PG_OS_USER:" "$PG_RUN"
    # A copied or restored tree may have lost the ownership: fix it (root only).
    [[ "$(stat -c %U "$PGDATA_DIR")" == "$PG_OS_USER" ]] || chown -R "$PG_OS_USER:" "$PGDATA_DIR"
  elif [[ "$(stat -c %u "$PGDATA_DIR")" != "$EUID" ]]; then
    die "${PGDATA_DIR#"$ROOT"/} belongs to $(stat -c %U "$PGDATA_DIR"), not $(id -un): run ./gridgov as that user (or root), or remove .gridgov/"
  fi
  chmod 0700 "$PG_RUN" "$PGDATA_DIR"
  check_traversable
  cluster_init
  load_db_password
}

cluster_init() {
  [[ -f "$PGDATA_DIR/PG_VERSION" ]] && { [[ -s "$PW_FILE" ]] ||
    die "${PW_FILE#"$ROOT"/} is missing but the cluster exists; the superuser password is lost. Remove .gridgov/pgdata (drops all local data) and run again"; return 0; }
  [[ -z "$(ls -A "$PGDATA_DIR")" ]] ||
    die "${PGDATA_DIR#"$ROOT"/} is not empty but holds no cluster; remove it and run again"
  ensure_secret "$PW_FILE" gen_password
  local locale=C locales pwtmp="$PG_RUN/.initdb-pw"
  locales="$(locale -a 2>/dev/null || true)"
  grep -qiE '^c\.utf-?8$' <<<"$locales" && locale=C.UTF-8
  (umask 077; cat "$PW_FILE" >"$pwtmp")
  ((EUID == 0)) && chown "$PG_OS_USER:" "$pwtmp"
  say "initialising PostgreSQL cluster in .gridgov/pgdata (locale $locale) ..."
  if ! run_logged "$GG_DIR/initdb.log" as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" \
      -U "$DB_SUPERUSER" --pwfile="$pwtmp" --encoding=UTF8 --locale="$locale" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256; then
    rm -f "$pwtmp"
    find "$PGDATA_DIR" -mindepth 1 -delete 2>/dev/null || true
    die "initdb failed"
  fi
  rm -f "$pwtmp"
  printf "\n# Added by ./gridgov: settings that ./gridgov rewrites on every start.\ninclude_if_exists = 'gridgov.conf'\n" \
    >>"$PGDATA_DIR/postgresql.conf"
}

# Settings for a 2-core / 24 GiB machine; ports and paths follow the environment.
write_gridgov_conf() {
  local sock=${PG_RUN//\'/\'\'} shm_kb dsm=""
  shm_kb="$(df -Pk /dev/shm 2>/dev/null | awk 'NR==2 {print $4}' || true)"
  [[ "$shm_kb" =~ ^[0-9]+$ ]] && ((shm_kb >= 1048576)) || dsm="dynamic_shared_memory_type = mmap"
  cat >"$PGDATA_DIR/gridgov.conf" <<EOF
# Written by ./gridgov on every start: do not edit (use postgresql.conf).
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 300
shared_buffers = 1GB
effective_cache_size = 12GB
work_mem = 16MB
maintenance_work_mem = 256MB
max_wal_size = 2GB
min_wal_size = 256MB
checkpoint_completion_target = 0.9
wal_compression = on
random_page_cost = 1.1
effective_io_concurrency = 100
max_parallel_workers_per_gather = 1
max_parallel_workers = 2
max_parallel_maintenance_workers = 1
jit = off
fsync = on
synchronous_commit = on
full_page_writes = on
log_min_duration_statement = 2000
log_line_prefix = '%m [%p] %q%u@%d '
$dsm
EOF
  ((EUID == 0)) && chown "$PG_OS_USER:" "$PGDATA_DIR/gridgov.conf"
  chmod 0600 "$PGDATA_DIR/gridgov.conf"
}

# Process state letter of a PID (R, S, Z, ...), empty when there is no such process.
pid_state() { sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null || true; }
lockfile_pid() { head -n 1 "$1" 2>/dev/null | tr -d '[:space:]'; }

cluster_running() {
  [[ -f "$PGDATA_DIR/postmaster.pid" ]] || return 1
  ((EUID != 0)) || id -u "$PG_OS_USER" >/dev/null 2>&1 || return 1
  as_pg "$PG_BIN/pg_ctl" status -D "$PGDATA_DIR" >/dev/null 2>&1 || return 1
  # A crashed postmaster that its parent has not reaped yet is a zombie: not running.
  [[ "$(pid_state "$(lockfile_pid "$PGDATA_DIR/postmaster.pid")")" != Z ]]
}

# After a crash, the lock files may name a dead postmaster that is still a zombie
# (an init that reaps slowly): PostgreSQL would take it for a live server. Wait a
# little for it to be reaped, then remove such lock files. Plain stale lock files
# (dead PID) are left to PostgreSQL, which handles them itself.
clear_zombie_locks() {
  local f pid i
  for f in "$PGDATA_DIR/postmaster.pid" "$PG_RUN/.s.PGSQL.$PG_PORT.lock"; do
    [[ -f "$f" ]] || continue
    pid="$(lockfile_pid "$f")"
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    for ((i = 0; i < 50; i++)); do
      [[ "$(pid_state "$pid")" == Z ]] || break
      sleep 0.2
    done
    if [[ "$(pid_state "$pid")" == Z ]]; then
      say "removing stale ${f#"$ROOT"/} (PID $pid has exited but was not reaped)"
      rm -f "$f"
    fi
  done
}

running_port() { sed -n 4p "$PGDATA_DIR/postmaster.pid" 2>/dev/null | tr -d '[:space:]'; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Start the embedded cluster (or reuse the running one) and wait until it accepts
# TCP connections. Sets CLUSTER_STARTED=1 when this call started it.
cluster_start() {
  cluster_prepare
  exec 9>>"$GG_DIR/.lock"
  flock -w 120 9 || die "timed out waiting for another ./gridgov to release .gridgov/.lock"
  if cluster_running; then
    local port
    port="$(running_port)"
    [[ "$port" == "$PG_PORT" ]] ||
      die "the GridGov cluster is already running on port $port, not $PG_PORT (GRIDGOV_PGPORT): stop it with './gridgov db stop' or set GRIDGOV_PGPORT=$port"
    say "reusing PostGIS already running on 127.0.0.1:$PG_PORT"
  else
    port_in_use "$PG_PORT" &&
      die "port $PG_PORT on 127.0.0.1 is already in use by another program (not the GridGov cluster in .gridgov/pgdata): set GRIDGOV_PGPORT to a free port, e.g. GRIDGOV_PGPORT=$((PG_PORT + 1)) ./gridgov ..."
    clear_zombie_locks
    write_gridgov_conf
    if [[ -f "$PG_LOG" ]] && (($(stat -c %s "$PG_LOG") > 50 * 1024 * 1024)); then
      mv -f "$PG_LOG" "$PG_LOG.1"
    fi
    touch "$PG_LOG"
    ((EUID == 0)) && chown "$PG_OS_USER:" "$PG_LOG"
    say "starting PostGIS on 127.0.0.1:$PG_PORT ..."
    local attempt tail_log
    for attempt in 1 2 3; do
      if as_pg "$PG_BIN/pg_ctl" start -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 -s >/dev/null 2>"$GG_DIR/pg_ctl.log"; then
        # shellcheck disable=SC2034
        CLUSTER_STARTED=1
        rm -f "$GG_DIR/pg_ctl.log"
        break
      fi
      # After a crash the old backends may need a moment to notice and exit.
      tail_log="$(tail -n 20 "$PG_LOG" 2>/dev/null || true)"
      if ((attempt < 3)) && grep -qE 'pre-existing shared memory block|lock file .* already exists' <<<"$tail_log"; then
        say "previous server processes are still exiting; retrying in 3 s ..."
        sleep 3
        continue
      fi
      cat "$GG_DIR/pg_ctl.log" >&2 || true
      tail -n 30 "$PG_LOG" >&2 || true
      die "PostgreSQL did not start (log: .gridgov/postgres.log)"
    done
  fi
  flock -u 9
  exec 9>&-
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 30 ||
    die "PostgreSQL is not accepting connections on 127.0.0.1:$PG_PORT (log: .gridgov/postgres.log)"
}

cluster_stop() {
  cluster_running || return 0
  say "stopping PostGIS on 127.0.0.1:$(running_port) ..."
  as_pg "$PG_BIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w -t 60 -s || say "warning: pg_ctl stop failed"
}

# ------------------------------------------------------------------ databases

pg_sql() {
  local db=$1; shift
  PGPASSWORD="$DB_PW" PGCONNECT_TIMEOUT=10 PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U "$DB_SUPERUSER" -d "$db" "$@"
}

db_extensions() {
  pg_sql "$1" -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pgrouting;" ||
    die "could not create the postgis/pgrouting extensions in database $1"
}

# db_ensure NAME : create database NAME if missing, with PostGIS + pgRouting.
db_ensure() {
  local exists
  exists="$(pg_sql postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" ||
    die "cannot connect to PostgreSQL on 127.0.0.1:$PG_PORT"
  if [[ "$exists" != 1 ]]; then
    say "creating database $1 ..."
    pg_sql postgres -c "CREATE DATABASE \"$1\"" || die "could not create database $1"
  fi
  db_extensions "$1"
}

# db_recreate NAME : drop (forcibly) and create database NAME, with extensions.
db_recreate() {
  say "creating a fresh database $1 ..."
  pg_sql postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\"" ||
    die "could not recreate database $1"
  db_extensions "$1"
}

# npgsql_cs DBNAME : Npgsql connection string for a database of the embedded cluster.
npgsql_cs() {
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s;Password=%s;Maximum Pool Size=100' \
    "$PG_PORT" "$1" "$DB_SUPERUSER" "$DB_PW"
}

# cs_get CONNSTRING KEY... : value of the first matching key (case and spaces ignored).
cs_get() {
  local cs=$1 part key want parts
  shift
  IFS=';' read -ra parts <<<"$cs"
  for part in "${parts[@]}"; do
    [[ "$part" == *=* ]] || continue
    key="${part%%=*}"; key="${key//[[:space:]]/}"; key="${key,,}"
    for want in "$@"; do
      if [[ "$key" == "$want" ]]; then
        part="${part#*=}"; part="${part#"${part%%[![:space:]]*}"}"; part="${part%"${part##*[![:space:]]}"}"
        printf '%s' "$part"; return 0
      fi
    done
  done
  return 1
}

# libpq_from_cs CONNSTRING : libpq keyword string (no password) for psql/pgbench.
libpq_from_cs() {
  local out="" v k
  for k in host port dbname user; do
    case $k in
      host) v="$(cs_get "$1" host server || true)" ;;
      port) v="$(cs_get "$1" port || true)" ;;
      dbname) v="$(cs_get "$1" database db || true)" ;;
      user) v="$(cs_get "$1" username userid username user uid || true)" ;;
    esac
    [[ -n "$v" ]] && out+="${out:+ }$k='${v//\'/\\\'}'"
  done
  printf '%s' "$out"
}

# -------------------------------------------------------------------- web map

WEBMAP_DIR="$ROOT/web-map"
WWWROOT_INDEX="$ROOT/src/GridGov.Api/wwwroot/index.html"

webmap_build() {
  local wm="$WEBMAP_DIR" installed=0 newer
  if [[ ! -f "$wm/package.json" ]]; then
    say "warning: web-map/package.json not found; skipping the web map build"
    return 0
  fi
  export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
  export PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [[ -f "$wm/package-lock.json" ]]; then
    if [[ ! -d "$wm/node_modules" || "$wm/package-lock.json" -nt "$wm/node_modules/.package-lock.json" ]]; then
      say "installing web map dependencies (npm ci) ..."
      (cd "$wm" && run_logged "$GG_DIR/npm-install.log" npm ci) || die "npm ci failed in web-map/"
      installed=1
    fi
  elif [[ ! -d "$wm/node_modules" || "$wm/package.json" -nt "$wm/node_modules/.package-lock.json" ]]; then
    say "installing web map dependencies (npm install; web-map has no package-lock.json) ..."
    (cd "$wm" && run_logged "$GG_DIR/npm-install.log" npm install) || die "npm install failed in web-map/"
    installed=1
  fi
  if ((installed == 0)) && [[ -f "$WWWROOT_INDEX" ]]; then
    newer="$({
      find "$wm" -maxdepth 1 -type f \( -name index.html -o -name '*.json' -o -name '*.config.*' \
        -o -name '.env*' \) -newer "$WWWROOT_INDEX" -print
      # Every page's entry (the crew's phone app m/, the resident's report/) rebuilds as src/ does.
      find "$wm/src" "$wm/public" "$wm/m" "$wm/report" -newer "$WWWROOT_INDEX" -print 2>/dev/null
    } | head -n 1 || true)"
    if [[ -z "$newer" ]]; then
      say "web map is up to date (src/GridGov.Api/wwwroot)"
      return 0
    fi
  fi
  say "building the web map (npm run build -> src/GridGov.Api/wwwroot) ..."
  (cd "$wm" && run_logged "$GG_DIR/npm-build.log" npm run build) || die "web map build failed"
  [[ -f "$WWWROOT_INDEX" ]] ||
    say "warning: the web map build did not produce src/GridGov.Api/wwwroot/index.html (check build.outDir in web-map's Vite config)"
}

# ------------------------------------------------------------- child process

# supervise CMD... : run CMD in its own session (so the signal reaches dotnet and
# the app it spawns), wait for it, and forward SIGINT/SIGTERM as SIGTERM to its
# whole process group. Returns the command's exit status.
CHILD_PGID=""
supervise() {
  setsid "$@" &
  CHILD_PGID=$!
  local rc=0
  wait "$CHILD_PGID" || rc=$?
  CHILD_PGID=""
  return "$rc"
}

stop_child() {
  local pgid=$CHILD_PGID i
  [[ -n "$pgid" ]] || return 0
  if kill -0 -- "-$pgid" 2>/dev/null; then
    say "stopping the service (SIGTERM) ..."
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
      kill -0 -- "-$pgid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 -- "-$pgid" 2>/dev/null; then
      say "the service did not stop within 30 s; killing it"
      kill -KILL -- "-$pgid" 2>/dev/null || true
    fi
  fi
  wait "$pgid" 2>/dev/null || true
  CHILD_PGID=""
}
