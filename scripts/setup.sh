#!/usr/bin/env bash
# The README's two commands.
#   scripts/setup.sh demo   install dependencies, build, run basinkit on the demo plan
#   scripts/setup.sh test   install dependencies, build, run the whole test suite (also
#                           under AddressSanitizer + UBSan)
# Works as root and as a user with sudo, on Debian 12.
set -euo pipefail
mode=${1:-}
case "$mode" in demo|test|deps) ;; *) echo "usage: $0 demo|test|deps" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config
  libgdal-dev gdal-bin libgeos-dev libproj-dev proj-data libboost-dev
  libssl-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev catch2 clang-format)
# Only the test suite needs the fuzzers' compiler, a browser and a database server.
[ "$mode" = demo ] || packages+=(clang-14 libclang-rt-14-dev  # libFuzzer targets
  chromium fonts-wqy-microhei python3  # browser test of the HTML reports (CJK glyphs)
  postgresql postgresql-15-postgis-3)  # PostGIS end-to-end test (tests/postgis)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
[ "$mode" = deps ] && exit 0

jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"

if [ "$mode" = demo ]; then
  bk=build/tools/basinkit/basinkit
  plan=data/shapefiles/plan.yaml
  mkdir -p out
  set -x
  "$bk" info "$plan"
  # 钟祥市 (Zhongxiang), given in WGS-84 and as the same place read off AMap (GCJ-02).
  "$bk" locate "$plan" --at 112.5880,31.1680
  "$bk" locate "$plan" --at 112.593566,31.165635 --srs GCJ02
  # The validation report: JSON for programs, GeoPackage for QGIS, CSV for Excel.
  "$bk" validate "$plan" -o out/validation.json
  "$bk" validate "$plan" -o out/validation.gpkg --quiet >/dev/null
  "$bk" validate "$plan" -o out/validation.csv --quiet >/dev/null
  "$bk" validate "$plan" -o out/validation.html --quiet >/dev/null   # open it in a browser
  # Screening: one project asked at the window, then the ~200 demo sites.
  rules=data/shapefiles/rules.yaml
  "$bk" screen "$plan" --rules "$rules" --at 112.42309,31.36735 --industry C2614 --action new
  "$bk" screen "$plan" --rules "$rules" --sites data/shapefiles/sites.gpkg -o out/screening.json
  "$bk" screen "$plan" --rules "$rules" --sites data/shapefiles/sites.gpkg -o out/screening.csv --quiet
  "$bk" screen "$plan" --rules "$rules" --sites data/shapefiles/sites.gpkg -o out/screening.html --quiet
  # Section assessment (分断面考核) on the GENERATED 2026 monitoring file, latest month.
  "$bk" assess "$plan" --monitoring data/shapefiles/monitoring.csv -o out/assessment.html
  { set +x; } 2>/dev/null
  echo "reports written to out/"
  exit 0
fi

ctest --test-dir build -j "$jobs" --output-on-failure
# The sanitizer build runs the same tests except those marked large (DESIGN.md sec. 9).
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBASINKIT_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -j "$jobs" --output-on-failure -LE large
# The parsers' libFuzzer targets, 20 s each on their seed corpus (docs/fuzzing.md).
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBASINKIT_FUZZ=ON -DBASINKIT_SANITIZE=ON >/dev/null
cmake --build build-fuzz -j "$jobs" --target fuzz_rules fuzz_manifest fuzz_waivers fuzz_assessment_config fuzz_monitoring
ctest --test-dir build-fuzz -j "$jobs" --output-on-failure -L fuzz
echo "all tests passed"
