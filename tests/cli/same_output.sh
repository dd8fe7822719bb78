#!/usr/bin/env bash
# same_output.sh EXPECTED_DIR -- BASINKIT ARGS...
# Runs `BASINKIT ARGS... -o DIR/screening.json` and `-o DIR/screening.csv` and compares the
# reports byte for byte with EXPECTED_DIR/screening.json and screening.csv, so that a
# change of the screening pipeline cannot change its documented output unnoticed. The
# JSON's provenance (time, command line, paths, version) differs between runs and
# machines: its line is left out of the comparison.
set -u
expected=$1; shift 2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for format in json csv; do
  "$@" -o "$work/screening.$format" >/dev/null || { echo "FAIL: exit status $? (.$format)"; exit 1; }
done
grep -v '^"provenance":' "$work/screening.json" >"$work/screening.nop.json"
status=0
cmp "$expected/screening.json" "$work/screening.nop.json" ||
  { diff "$expected/screening.json" "$work/screening.nop.json" | head -20; status=1; }
cmp "$expected/screening.csv" "$work/screening.csv" ||
  { diff "$expected/screening.csv" "$work/screening.csv" | head -20; status=1; }
[ "$status" -eq 0 ] && echo "JSON and CSV identical to $expected"
exit $status
