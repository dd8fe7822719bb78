# A throw-away PostgreSQL + PostGIS cluster on loopback, for the PostGIS end-to-end test
# (tests/postgis/postgis_e2e.sh) and the PostGIS benchmark (tests/bench/postgis_bench.sh).
# Source it (bash), then:
#
#   pg_cluster_find      PG_BIN := the newest /usr/lib/postgresql/N/bin, PG_VERSION := N;
#                        status 1 when PostgreSQL's server binaries are not installed
#   pg_cluster_start [SERVER OPTION...]
#                        initdb in a new temporary directory (PG_CLUSTER_DIR) and start the
#                        server on 127.0.0.1 at a free port (BASINKIT_PG_PORT if set), with
#                        the extra options given (e.g. -c fsync=off); exports PGHOST,
#                        PGPORT, PGUSER=postgres; trust authentication, no durability
#   pg_cluster_stop      stop that server and remove its directory (safe to call twice:
#                        call it from the caller's EXIT trap, so it also runs on failure)
#   pg_cluster_log       the server's log (for a failure message)
#
# A caller killed outright (SIGKILL, e.g. a CTest timeout) cannot clean up: the next
# pg_cluster_start stops and removes the clusters whose starting shell is gone.
#
# initdb refuses to run as root (CI runs as root, without sudo): as root the cluster
# belongs to the `postgres` user the Debian packages create, and its programs run through
# runuser (or su); as any other user they run as that user.

PG_CLUSTER_DIR=""

pg_cluster_find() {
  local version
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  [[ -n $version && -x /usr/lib/postgresql/$version/bin/initdb &&
    -x /usr/lib/postgresql/$version/bin/pg_ctl ]] || return 1
  PG_VERSION=$version
  PG_BIN=/usr/lib/postgresql/$version/bin
}

# Runs a command as the cluster's owner, from its directory (initdb warns when it cannot
# read the current directory).
_pg_as_owner() {
  if [[ $(id -u) -ne 0 ]]; then
    (cd "$PG_CLUSTER_DIR" && "$@")
  elif command -v runuser >/dev/null; then
    (cd "$PG_CLUSTER_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$PG_CLUSTER_DIR" && su postgres -s /bin/bash -c "$(printf '%q ' "$@")")
  fi
}

# Stops and removes the clusters of this script whose starting shell no longer runs.
_pg_reap_orphans() {
  local dir owner
  for dir in /tmp/basinkit-pg.*; do
    [[ -f $dir/owner.pid ]] && [[ $(id -u) -eq 0 || -O $dir ]] || continue
    owner=$(<"$dir/owner.pid")
    [[ -n $owner && ! -d /proc/$owner ]] || continue
    if [[ -f $dir/data/postmaster.pid ]]; then
      PG_CLUSTER_DIR=$dir _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop \
        >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
  done
}

# True when something answers on 127.0.0.1:$1.
_pg_port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_cluster_start() {
  [[ -n ${PG_BIN:-} ]] || pg_cluster_find || {
    echo "pg_cluster: PostgreSQL server binaries not found in /usr/lib/postgresql" >&2
    return 1
  }
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    echo "pg_cluster: running as root and there is no postgres user to own the cluster" >&2
    return 1
  fi
  _pg_reap_orphans
  PG_CLUSTER_DIR=$(mktemp -d /tmp/basinkit-pg.XXXXXX)
  echo $$ >"$PG_CLUSTER_DIR/owner.pid"
  chmod 755 "$PG_CLUSTER_DIR"
  [[ $(id -u) -ne 0 ]] || chown postgres: "$PG_CLUSTER_DIR"
  _pg_as_owner "$PG_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -A trust -U postgres -E UTF8 \
    --locale=C --no-sync >"$PG_CLUSTER_DIR/initdb.log" 2>&1 || {
    cat "$PG_CLUSTER_DIR/initdb.log" >&2
    return 1
  }
  # A free port: BASINKIT_PG_PORT, or random ones until the server binds one (another
  # process may take a port between the check and the start).
  local attempt port
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=${BASINKIT_PG_PORT:-$((20000 + (RANDOM * 32768 + RANDOM) % 40000))}
    if _pg_port_taken "$port"; then
      [[ -z ${BASINKIT_PG_PORT:-} ]] && continue
      echo "pg_cluster: port $port (BASINKIT_PG_PORT) is in use" >&2
      return 1
    fi
    rm -f "$PG_CLUSTER_DIR/server.log"
    if _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/server.log" \
      -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_CLUSTER_DIR -c fsync=off $*" \
      start >/dev/null; then
      export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
      return 0
    fi
    grep -q "could not bind\|already in use" "$PG_CLUSTER_DIR/server.log" 2>/dev/null &&
      [[ -z ${BASINKIT_PG_PORT:-} ]] || break
  done
  echo "pg_cluster: the server did not start:" >&2
  pg_cluster_log >&2
  return 1
}

pg_cluster_log() {
  [[ -n $PG_CLUSTER_DIR && -f $PG_CLUSTER_DIR/server.log ]] && tail -n 40 "$PG_CLUSTER_DIR/server.log"
  return 0
}

pg_cluster_stop() {
  [[ -n $PG_CLUSTER_DIR && -d $PG_CLUSTER_DIR ]] || return 0
  if [[ -f $PG_CLUSTER_DIR/data/postmaster.pid ]]; then
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1 ||
      true
  fi
  rm -rf "$PG_CLUSTER_DIR"
  PG_CLUSTER_DIR=""
}
