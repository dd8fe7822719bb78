#!/usr/bin/env bash
# diff_revision.sh BASINKIT DEMO_DIR STATUS PATTERN -- [ARGS…]
# Makes a revision of the demo plan with ogr2ogr — unit HJ010201 recoded HJ010299, unit
# HJ010115 reassigned from township 420881453 to 420881450 — in a temporary folder, runs
# `basinkit diff DEMO REVISION ARGS…` and checks it with expect.sh (STATUS, PATTERN).
set -u
bk=$1; demo=$2; want=$3; pattern=$4; shift 5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ogr2ogr -f GPKG "$tmp/units.gpkg" "$demo/units.shp" -nln units -dialect SQLite -sql \
  "SELECT CASE UNIT_CODE WHEN 'HJ010201' THEN 'HJ010299' ELSE UNIT_CODE END AS UNIT_CODE,
          UNIT_NAME, L3_CODE,
          CASE UNIT_CODE WHEN 'HJ010115' THEN '420881450' ELSE TOWN_CODE END AS TOWN_CODE,
          geometry FROM units" || exit 1
sed -e "s|source: units.shp|source: $tmp/units.gpkg|" \
    -e "s|source: \([a-z]*\.shp\)|source: $demo/\1|g" "$demo/plan.yaml" > "$tmp/plan.yaml"
"$(dirname "$0")/expect.sh" "$want" "$pattern" -- "$bk" diff "$demo/plan.yaml" "$tmp/plan.yaml" "$@"
