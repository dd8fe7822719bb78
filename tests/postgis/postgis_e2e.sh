#!/usr/bin/env bash
# The demo plan read from, and reports written to, a real PostGIS database (CTest
# `postgis_e2e`, label postgis; docs/data-contract.md, docs/cli.md).
#
#   postgis_e2e.sh BASINKIT COMPARE_REPORTS SOURCE_DIR WORK_DIR
#
# Starts a throw-away PostgreSQL + PostGIS cluster on loopback (pg_cluster.sh), loads the
# demo plan's layers and sites with ogr2ogr, writes a manifest pointing every layer at
# PG:, and checks that
#   - validate and rules check find the same findings as on the shapefiles (types, codes,
#     areas to 1e-6 relative) and screen gives every site the same verdict and rules;
#   - -o PG:… --out-layer writes tables equal to the JSON reports (read back with psql),
#     provenance and summary in the table's comment; an existing table is refused
#     without --overwrite and replaced with it;
#   - no password reaches stdout, stderr, a report or a table.
# Exit 77 (skipped) only when PostgreSQL's server binaries are not installed.
set -euo pipefail
bk=${1:?usage: postgis_e2e.sh BASINKIT COMPARE_REPORTS SOURCE_DIR WORK_DIR}
compare=$2
src=$3
work=$4
demo=$src/data/shapefiles
here=$(cd "$(dirname "$0")" && pwd)
source "$here/pg_cluster.sh"

if ! pg_cluster_find; then
  echo "SKIP: PostgreSQL server binaries not installed (postgresql, postgresql-15-postgis-3;" \
    "scripts/setup.sh deps installs them)"
  exit 77
fi
for tool in psql ogr2ogr; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found"; exit 1; }
done

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
step() { echo "== $*"; }

rm -rf "$work"
mkdir -p "$work"
cd "$work"
trap pg_cluster_stop EXIT
trap 'exit 1' INT TERM HUP # the EXIT trap then stops the cluster
pg_cluster_start
sql() { psql -X -q -v ON_ERROR_STOP=1 -d basinkit "$@"; }
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE basinkit"
sql -c "CREATE EXTENSION postgis"

# Trust authentication: the server never asks for this password, but it is in every
# connection string, so that any leak of it shows.
secret="pw-$RANDOM-never-shown"
conn="PG:dbname=basinkit host=$PGHOST port=$PGPORT user=postgres password=$secret"
srid=4547 # the demo plan's working CRS

step "load the demo plan and its sites with ogr2ogr"
layers=$(sed -n 's/.*source: *\([a-z_0-9]*\)\.shp.*/\1/p' "$demo/plan.yaml")
[[ -n $layers ]] || { echo "FAIL: no shapefile layers in $demo/plan.yaml"; exit 1; }
for layer in $layers; do
  ogr2ogr -f PostgreSQL "PG:dbname=basinkit" "$demo/$layer.shp" -nln "$layer" \
    -nlt PROMOTE_TO_MULTI -lco GEOMETRY_NAME=geom
done
ogr2ogr -f PostgreSQL "PG:dbname=basinkit" "$demo/sites.gpkg" sites -nln sites \
  -lco GEOMETRY_NAME=geom

# The manifest: the demo's, every layer from the database (units schema-qualified), in a
# folder of its own (a PG: source must not be resolved against it).
mkdir -p plan
sed -E -e "s#source: units\.shp#source: \"$conn\", layer: public.units#" \
  -e "s#source: ([a-z_0-9]+)\.shp#source: \"$conn\", layer: \1#" \
  "$demo/plan.yaml" >plan/plan.yaml
if grep -q '\.shp' plan/plan.yaml; then fail "a layer still reads a shapefile"; fi

# run NAME EXPECTED_STATUS COMMAND…: stdout in NAME.out, stderr in NAME.err
run() {
  local name=$1 want=$2 got=0
  shift 2
  "$@" >"$name.out" 2>"$name.err" || got=$?
  if [[ $got -ne $want ]]; then
    fail "$name: exit status $got, expected $want"
    cat "$name.err"
  fi
}
read_table() { # TABLE: rows in insertion order as CSV, the comment as JSON
  sql -c "COPY (SELECT *, ST_SRID(geom) AS srid, GeometryType(geom) AS geometry_type
          FROM $1 ORDER BY fid) TO STDOUT WITH (FORMAT csv, HEADER)" >"$1.csv"
  sql -At -c "SELECT obj_description('$1'::regclass)" >"$1.comment.json"
}

step "validate: shapefiles and PostGIS, report to a table"
run validate_shp 0 "$bk" validate "$demo/plan.yaml" --format json
run validate_pg 0 "$bk" validate plan/plan.yaml --format json -o "$conn" --out-layer findings
"$compare" findings validate_shp.out validate_pg.out || fail "validate: findings differ"
"$compare" provenance validate_pg.out || fail "validate: provenance"
read_table findings
"$compare" findings-table validate_pg.out findings.csv findings.comment.json $srid ||
  fail "validate: the table differs from the JSON report"

step "rules check: shapefiles and PostGIS, report to a table in schema public"
rules=$demo/rules.yaml
run rules_shp 0 "$bk" rules check "$demo/plan.yaml" --rules "$rules" --industry C26,C38 --format json
run rules_pg 0 "$bk" rules check plan/plan.yaml --rules "$rules" --industry C26,C38 \
  --format json -o "$conn" --out-layer public.rule_findings
"$compare" findings rules_shp.out rules_pg.out || fail "rules check: findings differ"
read_table rule_findings
"$compare" findings-table rules_pg.out rule_findings.csv rule_findings.comment.json $srid ||
  fail "rules check: the table differs from the JSON report"

step "screen: sites from a GeoPackage and the same sites from PostGIS, results to a table"
run screen_shp 0 "$bk" screen "$demo/plan.yaml" --rules "$rules" --sites "$demo/sites.gpkg" \
  --format json
run screen_pg 0 "$bk" screen plan/plan.yaml --rules "$rules" --sites "$conn" --layer sites \
  --format json -o "$conn" --out-layer screening
"$compare" sites screen_shp.out screen_pg.out || fail "screen: sites differ"
"$compare" provenance screen_pg.out || fail "screen: provenance"
read_table screening
"$compare" sites-table screen_pg.out screening.csv screening.comment.json $srid ||
  fail "screen: the table differs from the JSON report"

step "an existing table: refused without --overwrite, replaced with it"
run screen_again 2 "$bk" screen plan/plan.yaml --rules "$rules" --sites "$conn" --layer sites \
  -o "$conn" --out-layer screening
grep -q "exists already.*--overwrite" screen_again.err || fail "screen_again: no clear message"
sql -c "UPDATE screening SET verdict = 'stale'"
run screen_overwrite 0 "$bk" screen plan/plan.yaml --rules "$rules" --sites "$conn" \
  --layer sites -o "$conn" --out-layer screening --overwrite
[[ $(sql -At -c "SELECT count(*) FROM screening WHERE verdict <> 'stale'") == 196 ]] ||
  fail "screen_overwrite: the table was not replaced by the 196 sites"
run validate_again 2 "$bk" validate plan/plan.yaml -o "$conn" --out-layer findings
grep -q "exists already" validate_again.err || fail "validate_again: no clear message"

step "errors name the database without its password"
sed "s#layer: public.units#layer: public.no_such_units#" plan/plan.yaml >plan/missing.yaml
run missing_table 2 "$bk" info plan/missing.yaml
grep -q "password=\*\*\*.*no layer 'public.no_such_units'" missing_table.err ||
  fail "missing_table: the message does not name the table and the hidden password"
run bad_port 2 "$bk" screen plan/plan.yaml --rules "$rules" --sites "${conn/port=$PGPORT/port=1}" \
  --layer sites

step "no password anywhere"
for table in findings rule_findings screening; do
  sql -At -c "SELECT obj_description('$table'::regclass)" >>all_comments.txt
done
if grep -l -- "$secret" ./*.out ./*.err ./*.csv ./*.json all_comments.txt 2>/dev/null; then
  fail "the password shows in the files above"
fi

if ((failures)); then
  echo "$failures check(s) failed; server log:"
  pg_cluster_log
  exit 1
fi
echo "PostGIS end to end: all checks passed"
