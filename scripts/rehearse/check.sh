#!/usr/bin/env bash
# The rehearsal's step of the test command: the launcher's and the checks' unit tests (each moto
# defect shown on stock moto, fixed by its workaround), then the upgrade rehearsal against moto
# (upgrade.sh: baseline apply, working-tree plan with no delete or replace, apply, empty second
# plan, destroy). Exit 3 when moto is missing, so the caller can skip the step; with CI=true a
# missing moto fails (1) instead.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/rehearse/check.sh [--no-upgrade] [-h]

  (no flags)    the unit tests (python3 -m unittest, about 40 s here), then upgrade.sh (about 4 min)
  --no-upgrade  the unit tests only

Needs python3 with moto 5.2.1 (python3 -m pip install 'moto[server]==5.2.1'); upgrade.sh also
needs git, Terraform and the AWS CLI v2 (see scripts/rehearse/upgrade.sh -h).
Exit codes: 0 passed; 1 a test failed; 3 moto is not installed (CI=true: 1); 64 usage.
USAGE
}

upgrade=1
while [ "$#" -gt 0 ]; do
  case "$1" in
    --no-upgrade) upgrade=0; shift ;;
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
if [ "$upgrade" = 1 ]; then
  "$here/upgrade.sh"
fi
