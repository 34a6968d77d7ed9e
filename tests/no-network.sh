#!/usr/bin/env bash
# playbook opens no network connection except where serve listens: every
# other command runs under strace here, and any socket it makes fails the
# check. Needs strace (the Debian package).
#   tests/no-network.sh [PLAYBOOK_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/playbook}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
traced() {
  strace -f -qq -e signal=none -e trace=socket,connect,bind,sendto,sendmsg -o "$work/trace" "$bin" "$@" > /dev/null
  # Only calls count: a thread that strace lets go of as the process ends
  # leaves a line such as `123 ???( <detached ...>`, which is none.
  if grep -Eq '(socket|connect|bind|sendto|sendmsg)\(' "$work/trace"; then
    echo "playbook $* used the network:" >&2
    cat "$work/trace" >&2
    exit 1
  fi
}
traced init "$work/pb" -q
traced check --root "$work/pb" --as-of 2026-11-28 -q
traced build --root "$work/pb" --out "$work/site" --as-of 2026-11-28 -q
traced build --root "$work/pb" --out "$work/public" --as-of 2026-11-28 --public -q
traced new role no-network-test --root "$work/pb" -q
traced schema --out "$work/schemas" -q
echo "init, check, build, build --public, new and schema made no socket"
