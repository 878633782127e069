#!/usr/bin/env bash
# Generates the reference tables that restate Terraform (docs/variables.md, docs/outputs.md,
# docs/alarms.md) from the .tf files, so they cannot fall behind. --check writes nothing and
# fails when a generated file is not current, when terraform.tfvars.example names a variable
# variables.tf lacks or does not parse, or when docs/deployer-policy.json lacks the actions of a
# resource type or data source the configuration declares.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/gen-docs.sh [--check]
  (no flags)  write docs/variables.md, docs/outputs.md, docs/alarms.md
  --check     write nothing; exit 1 naming each file that is not current
              (also checks terraform.tfvars.example and docs/deployer-policy.json)
Needs python3 (and terraform for --check's parse of terraform.tfvars.example).
USAGE
}

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  -h | --help) usage; exit 0 ;;
  *) echo "gen-docs: unknown argument $1" >&2; usage >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gen="$root/scripts/docs-gen"
command -v python3 >/dev/null || { echo "gen-docs: needs python3 (Debian/Ubuntu: apt-get install python3)" >&2; exit 2; }

if [ "$check" = 0 ]; then
  exec python3 -B "$gen/gen_docs.py" "$root"
fi

command -v terraform >/dev/null || { echo "gen-docs: --check needs terraform on PATH (https://developer.hashicorp.com/terraform/install)" >&2; exit 2; }
status=0
python3 -B "$gen/gen_docs.py" "$root" --check || status=1
python3 -B "$gen/check_tfvars.py" "$root" || status=1
python3 -B "$gen/check_policy.py" "$root" || status=1
if ! out="$(python3 -B "$gen/test_gen_docs.py" 2>&1)"; then
  echo "gen-docs: the generator's own tests (scripts/docs-gen/test_gen_docs.py) fail:" >&2
  echo "$out" >&2
  status=1
fi

# terraform.tfvars.example parses: as written, and with every commented-out setting uncommented.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$root/terraform.tfvars.example" "$tmp/as-written.tfvars"
sed -E 's/^# ([a-z_]+ +=)/\1/' "$root/terraform.tfvars.example" >"$tmp/uncommented.tfvars"
: >"$tmp/empty.tfrc" # no CLI configuration needed to format a file
for f in as-written uncommented; do
  if ! out="$(TF_CLI_CONFIG_FILE="$tmp/empty.tfrc" terraform fmt -check -diff "$tmp/$f.tfvars" 2>&1)"; then
    echo "gen-docs: terraform.tfvars.example ($f) does not parse or is not terraform-fmt'ed:" >&2
    echo "$out" >&2
    status=1
  fi
done
[ "$status" = 0 ] && echo "gen-docs: docs/variables.md, docs/outputs.md, docs/alarms.md, terraform.tfvars.example, docs/deployer-policy.json are current"
exit "$status"
