#!/usr/bin/env bash
# progress.sh MODE -- COMMAND...
# The progress bar of long runs is drawn on stderr only when it is a terminal, and not
# with --quiet (DESIGN.md section 7). MODE:
#   pipe     COMMAND's stderr is a file: it must hold no progress at all
#   terminal COMMAND runs on a pseudo-terminal (util-linux `script`): a bar must be
#            drawn in place ("\r", a "[===>  ]  NN%" bar) and erased at the end
#   quiet    as terminal, with --quiet appended: no bar, nothing redrawn
# COMMAND must exit 0 (or 1: findings) in every mode.
set -u
mode=$1; shift 2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

if [ "$mode" = pipe ]; then
  "$@" >"$work/out" 2>"$work/err"; status=$?
  [ "$status" -le 1 ] || fail "exit status $status"
  [ -s "$work/err" ] && { cat "$work/err"; fail "stderr is not a terminal but got output"; }
  echo "no progress on a pipe: ok"; exit 0
fi

command -v script >/dev/null || { echo "no util-linux script: skipped"; exit 77; }
[ "$mode" = quiet ] && set -- "$@" --quiet
printf -v line '%q ' "$@"
# COLUMNS: script's terminal takes the size of ours, or 0x0 without one.
script -qec "stty cols 100 rows 30 2>/dev/null; $line" /dev/null </dev/null >"$work/tty"
status=$?
[ "$status" -le 1 ] || { cat "$work/tty"; fail "exit status $status"; }
esc=$(printf '\033')
bar_re='\[[=> ]+\] +[0-9]+%'
if [ "$mode" = terminal ]; then
  grep -aEq "$bar_re" "$work/tty" || { cat -v "$work/tty"; fail "no progress bar drawn"; }
  grep -aq "$(printf '\r')" "$work/tty" || fail "the bar is not redrawn in place"
  # Erased before the results: the last redraw is "\r ESC[K" with nothing after it but
  # the results on their own lines.
  grep -aq "${esc}\[K" "$work/tty" || fail "the bar is never erased"
  echo "progress bar on a terminal: ok"
else
  if grep -aEq "$bar_re|${esc}\[K" "$work/tty"; then
    cat -v "$work/tty"; fail "--quiet drew progress"
  fi
  echo "no progress with --quiet: ok"
fi
exit 0
