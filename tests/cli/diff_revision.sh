#!/usr/bin/env bash
# diff_revision.sh BASINKIT DEMO_DIR STATUS PATTERN -- [ARGS…]
# Makes a revision of the demo plan with ogr2ogr — unit HJ010201 recoded HJ010299, unit
# HJ010115 reassigned from township 420881453 to 420881450 — in a temporary folder, runs
# `basinkit diff DEMO REVISION ARGS…` and checks it with expect.sh (STATUS, PATTERN).
set -u
bk=$1; demo=$2; want=$3; pattern=$4; shift 5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ogr2ogr -f GPKG "$tmp/units.gpkg" "$demo/units.shp" -nln units || exit 1
ogrinfo -q "$tmp/units.gpkg" -sql \
  "UPDATE units SET TOWN_CODE = '420881450' WHERE UNIT_CODE = 'HJ010115'" >/dev/null || exit 1
ogrinfo -q "$tmp/units.gpkg" -sql \
  "UPDATE units SET UNIT_CODE = 'HJ010299' WHERE UNIT_CODE = 'HJ010201'" >/dev/null || exit 1
sed -e "s|source: units.shp|source: $tmp/units.gpkg|" \
    -e "s|source: \([a-z]*\.shp\)|source: $demo/\1|g" "$demo/plan.yaml" > "$tmp/plan.yaml"
"$(dirname "$0")/expect.sh" "$want" "$pattern" -- "$bk" diff "$demo/plan.yaml" "$tmp/plan.yaml" "$@"
