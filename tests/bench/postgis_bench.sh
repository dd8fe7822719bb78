#!/usr/bin/env bash
# The PostGIS side of basinkit-bench (DESIGN.md section 10, docs/performance.md): the same
# queries a PostGIS user would write, on the same generated plan.
#
#   tests/bench/postgis_bench.sh PLAN_DIR [RUNS]
#
# PLAN_DIR is a plan written by basinkit-generate-plan / basinkit-bench (plan.gpkg with
# units, townships, rivers, zones and a sites layer). Installs PostgreSQL + PostGIS from
# Debian when missing (as root), starts a throw-away cluster on 127.0.0.1 (at a free port,
# or BASINKIT_PG_PORT) in a temporary directory (tests/postgis/pg_cluster.sh, shared with
# the PostGIS end-to-end test), loads the layers with ogr2ogr, builds GiST indexes,
# ANALYZEs, subdivides the main rivers (ST_Subdivide), then times each query RUNS times
# (default 3) and reports the median. Loading is timed separately from the queries.
#
# Output: a human-readable log on stderr, and one line per result on stdout:
#   RESULT <tab> key <tab> load_s <tab> work_s <tab> peak_mib <tab> cpu_s <tab> note
# (key: load, unit_of_points, near_rivers, screen, overlaps, overlay; "-" for no value;
# peak_mib is the VmHWM of the backend that ran the query, parallel workers not included;
# cpu_s is the CPU time of the backend and its parallel workers, mean per run).
set -euo pipefail

plan_dir=$(realpath "${1:?usage: postgis_bench.sh PLAN_DIR [RUNS]}")
runs=${2:-3}
gpkg="$plan_dir/plan.gpkg"
[[ -f $gpkg ]] || { echo "no $gpkg (generate the plan first)" >&2; exit 2; }
log() { echo "postgis_bench: $*" >&2; }

# ---- install (Debian; CI and developers run as root, without sudo)
if ! compgen -G "/usr/share/postgresql/*/extension/postgis.control" >/dev/null ||
  ! command -v ogr2ogr >/dev/null; then
  log "installing postgresql + postgis"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    postgresql postgis gdal-bin >&2
fi
source "$(dirname "$0")/../postgis/pg_cluster.sh"
pg_cluster_find || { echo "no PostgreSQL server binaries in /usr/lib/postgresql" >&2; exit 2; }
pg_version=$PG_VERSION
postgis_version=$(ls /usr/share/postgresql/"$pg_version"/extension/postgis--*.sql |
  sed -n 's/.*postgis--\([0-9.]*\)\.sql$/\1/p' | sort -V | tail -1)

# ---- a throw-away cluster on loopback
trap pg_cluster_stop EXIT
# Tuned as a PostGIS user with 24 GiB and 2 cores would: big caches, parallel queries on,
# no durability (a benchmark database), JIT off (it only adds compile time to these queries).
pg_cluster_start -c shared_buffers=4GB -c work_mem=256MB -c maintenance_work_mem=2GB \
  -c effective_cache_size=16GB -c max_parallel_workers_per_gather=2 -c max_worker_processes=8 \
  -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=16GB \
  -c jit=off -c random_page_cost=1.1
port=$PGPORT
export PGOPTIONS="-c client_min_messages=warning"
psql -X -q -d postgres -c "CREATE DATABASE bench" >/dev/null
export PGDATABASE=bench
sql() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
sql -c "CREATE EXTENSION postgis" >/dev/null
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.3f\", $* }"; }

# ---- load: GDAL read + COPY, then indexes, statistics and subdivided rivers
t0=$(now)
ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 port=$port dbname=bench user=postgres" "$gpkg" \
  units townships basins rivers zones sites -lco GEOMETRY_NAME=geom -lco FID=fid \
  -lco SPATIAL_INDEX=NONE --config PG_USE_COPY YES
t1=$(now)
sql <<'SQL'
CREATE INDEX ON units USING gist (geom);
CREATE INDEX ON townships USING gist (geom);
CREATE INDEX ON basins USING gist (geom);
CREATE INDEX ON rivers USING gist (geom);
CREATE INDEX ON zones USING gist (geom);
CREATE INDEX ON sites USING gist (geom);
-- A long river is one huge bounding box: cut the main rivers into short pieces.
CREATE TABLE rivers_sub AS
  SELECT fid AS river, ST_Subdivide(geom, 32) AS geom FROM rivers WHERE class = 'main';
CREATE INDEX ON rivers_sub USING gist (geom);
-- Every river, cut alike, for the whole screen's river rule.
CREATE TABLE rivers_all_sub AS SELECT fid AS river, ST_Subdivide(geom, 32) AS geom FROM rivers;
CREATE INDEX ON rivers_all_sub USING gist (geom);
VACUUM ANALYZE;
SQL
t2=$(now)
read -r n_units n_towns n_sites n_sub <<<"$(sql -At -F ' ' -c "SELECT (SELECT count(*) FROM units),
  (SELECT count(*) FROM townships), (SELECT count(*) FROM sites), (SELECT count(*) FROM rivers_sub)")"
read_s=$(calc "$t1 - $t0")
index_s=$(calc "$t2 - $t1")
log "PostgreSQL $pg_version, PostGIS $postgis_version: loaded $n_units units, $n_towns townships,"\
" $n_sites sites in $read_s s (ogr2ogr), indexes + ANALYZE + $n_sub river pieces in $index_s s"
printf 'RESULT\tload\t%.3f\t-\t-\t-\togr2ogr %.1f s + GiST, ANALYZE, ST_Subdivide %.1f s; PostgreSQL %s, PostGIS %s\n' \
  "$(calc "$read_s + $index_s")" "$read_s" "$index_s" "$pg_version" "$postgis_version"

# ---- queries: each in its own session; the result is materialised (as a user keeping it
# would), RUNS times, median reported; peak RSS = the backend's VmHWM afterwards.
# CPU ticks of this backend (utime + stime, fields 14-15 of /proc/PID/stat), and of the
# parallel workers the postmaster has reaped (its cutime + cstime, fields 16-17).
ticks_sql="(SELECT a[12]::bigint + a[13]::bigint FROM (SELECT string_to_array(split_part(pg_read_file('/proc/self/stat'), ') ', 2), ' ') AS a) s1) AS backend,
  (SELECT b[14]::bigint + b[15]::bigint FROM (SELECT string_to_array(split_part(pg_read_file('/proc/' || split_part(pg_read_file('postmaster.pid'), E'\\n', 1) || '/stat'), ') ', 2), ' ') AS b) s2) AS workers"
time_query() {
  local key=$1 query=$2 out
  out=$(
    {
      echo "SELECT $ticks_sql \\gset t0_"
      for ((i = 0; i < runs; i++)); do
        echo "DROP TABLE IF EXISTS bench_result;"
        echo "\\timing on"
        echo "CREATE UNLOGGED TABLE bench_result AS $query;"
        echo "\\timing off"
      done
      echo "SELECT pg_sleep(0.5);"
      echo "SELECT $ticks_sql \\gset t1_"
      echo "SELECT 'CPU ' || (:t1_backend - :t0_backend + :t1_workers - :t0_workers);"
      echo "SELECT 'ROWS ' || count(*) FROM bench_result;"
      echo "SELECT 'HWM ' || (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\\s+(\\d+)'))[1];"
    } | sql -At
  )
  local times rows hwm median cpu
  times=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | sort -n)
  rows=$(sed -n 's/^ROWS //p' <<<"$out")
  hwm=$(sed -n 's/^HWM //p' <<<"$out")
  cpu=$(sed -n 's/^CPU //p' <<<"$out")
  median=$(awk '{a[NR]=$1} END {print a[int((NR+1)/2)] / 1000}' <<<"$times")
  cpu=$(calc "${cpu:-0} / $(getconf CLK_TCK) / $runs")
  log "$key: $(echo $times | tr ' ' ',') ms; CPU $cpu s per run; $rows rows; backend VmHWM $hwm kB"
  printf 'RESULT\t%s\t-\t%s\t%.0f\t%s\tmedian of %s; %s rows\n' "$key" "$median" \
    "$(calc "${hwm:-0} / 1024")" "$cpu" "$runs" "$rows"
}

# (1) the unit of each point
time_query unit_of_points \
  "SELECT s.fid, u.unit_code FROM sites s LEFT JOIN units u ON ST_Intersects(u.geom, s.geom)"
# (2) the points within 1 km of a main river (subdivided)
time_query near_rivers \
  "SELECT s.fid FROM sites s WHERE EXISTS (SELECT 1 FROM rivers_sub r WHERE ST_DWithin(s.geom, r.geom, 1000))"
# (2b) the whole screen of basinkit-bench limit, as SQL: where each site is (unit,
# township and county, the basin of each level: the smallest code holding it, as basinkit
# locates), the three rules (`unit: ["*"]` restrict, within 1 km of any river prohibit,
# in any zone prohibit) and the verdict per site.
time_query screen \
  "SELECT s.fid, l.unit, l.township, l.county, l.basin_l1, l.basin_l2, l.basin_l3,
     r.near_river, r.in_zone,
     CASE WHEN r.near_river OR r.in_zone THEN 'prohibited'
          WHEN l.unit IS NOT NULL THEN 'restricted' ELSE 'unlisted' END AS verdict
   FROM sites s
   CROSS JOIN LATERAL (SELECT
     (SELECT min(u.unit_code) FROM units u WHERE ST_Intersects(u.geom, s.geom)) AS unit,
     (SELECT min(t.town_code) FROM townships t WHERE ST_Intersects(t.geom, s.geom)) AS township,
     (SELECT t.cnty_code FROM townships t WHERE ST_Intersects(t.geom, s.geom)
        ORDER BY t.town_code LIMIT 1) AS county,
     (SELECT min(b.bsn_code) FROM basins b WHERE b.level = 1 AND ST_Intersects(b.geom, s.geom)) AS basin_l1,
     (SELECT min(b.bsn_code) FROM basins b WHERE b.level = 2 AND ST_Intersects(b.geom, s.geom)) AS basin_l2,
     (SELECT min(b.bsn_code) FROM basins b WHERE b.level = 3 AND ST_Intersects(b.geom, s.geom)) AS basin_l3) l
   CROSS JOIN LATERAL (SELECT
     EXISTS (SELECT 1 FROM rivers_all_sub r WHERE ST_DWithin(s.geom, r.geom, 1000)) AS near_river,
     EXISTS (SELECT 1 FROM zones z WHERE ST_Intersects(z.geom, s.geom)) AS in_zone) r"
# (3) overlaps among units: pairs whose interiors share area, and that area
time_query overlaps \
  "SELECT a.unit_code AS a, b.unit_code AS b, ST_Area(ST_Intersection(a.geom, b.geom)) AS area
   FROM units a JOIN units b ON a.fid < b.fid AND ST_Intersects(a.geom, b.geom)
     AND ST_Relate(a.geom, b.geom, '2********')"
# (4) overlay of units and townships: the area of each unit in each township
time_query overlay \
  "SELECT u.unit_code, t.town_code, ST_Area(ST_Intersection(u.geom, t.geom)) AS area
   FROM units u JOIN townships t ON ST_Intersects(u.geom, t.geom)"
