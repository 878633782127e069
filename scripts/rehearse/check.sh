#!/usr/bin/env bash
# The rehearsal's step of the test command: the launcher's and the checks' unit tests (each moto
# defect shown on stock moto, fixed by its workaround), then, at the same time, the upgrade
# rehearsal (upgrade.sh: baseline apply, working-tree plan with no delete or replace, apply, empty
# second plan, destroy) and the deployment rehearsal (rehearse.sh: apply, executions with the real
# functions hosted locally, empty second plan, in-place update, destroy), each against its own moto. Exit 3 when moto is missing, so the caller can skip the step; with CI=true a
# missing moto fails (1) instead.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/rehearse/check.sh [--no-upgrade] [--no-rehearse] [-h]

  (no flags)      the unit tests (python3 -m unittest, about 2 min on a busy machine), then
                  upgrade.sh and rehearse.sh side by side (about 5 and 10 min on a busy machine)
  --no-upgrade    without upgrade.sh
  --no-rehearse   without rehearse.sh

Needs python3 with moto 5.2.1 (python3 -m pip install 'moto[server]==5.2.1'); upgrade.sh also
needs git, Terraform and the AWS CLI v2 (see scripts/rehearse/upgrade.sh -h); rehearse.sh also a
JDK 21 or newer (it builds and runs the functions).
Exit codes: 0 passed; 1 a test failed; 3 moto is not installed (CI=true: 1); 64 usage.
USAGE
}

upgrade=1
rehearse=1
while [ "$#" -gt 0 ]; do
  case "$1" in
    --no-upgrade) upgrade=0; shift ;;
    --no-rehearse) rehearse=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "rehearse: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v python3 > /dev/null || ! python3 -c 'import moto.moto_server.werkzeug_app, boto3' 2> /dev/null; then
  echo "rehearse: moto is not installed for python3. Install it: python3 -m pip install 'moto[server]==5.2.1'" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 3
fi

t0=$SECONDS
echo "rehearse: unit tests (launcher workarounds, plan check) ..."
python3 -m unittest discover -s "$here" -p 'test_*.py'
echo "rehearse: unit tests ok ($((SECONDS - t0)) s)"
# Side by side: each has its own emulator, temporary directory and ports; the upgrade's lines are
# shown once it ends, so the two do not interleave.
upgrade_pid=""
upgrade_log=""
if [ "$upgrade" = 1 ]; then
  upgrade_log="$(mktemp "${TMPDIR:-/tmp}/rehearse-upgrade-log.XXXXXX")"
  "$here/upgrade.sh" > "$upgrade_log" 2>&1 &
  upgrade_pid=$!
  echo "rehearse: upgrade.sh started (its lines follow when it ends)"
fi
status=0
if [ "$rehearse" = 1 ]; then
  "$here/rehearse.sh" || status=$?
fi
if [ -n "$upgrade_pid" ]; then
  upgrade_status=0
  wait "$upgrade_pid" || upgrade_status=$?
  cat "$upgrade_log"
  rm -f "$upgrade_log"
  if [ "$status" -eq 0 ]; then status=$upgrade_status; fi
fi
echo "rehearse: check.sh done in $((SECONDS - t0)) s"
exit "$status"
