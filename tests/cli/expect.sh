#!/usr/bin/env bash
# expect.sh STATUS PATTERN -- COMMAND...
# Runs COMMAND; passes when it exits with STATUS and its stdout+stderr match the
# extended regular expression PATTERN (empty = anything).
set -u
want=$1; pattern=$2; shift 3
out=$("$@" 2>&1); got=$?
printf '%s\n' "$out"
if [ "$got" -ne "$want" ]; then echo "FAIL: exit status $got, expected $want"; exit 1; fi
if [ -n "$pattern" ] && ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
  echo "FAIL: output does not match: $pattern"; exit 1
fi
exit 0
