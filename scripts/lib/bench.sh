# shellcheck shell=bash
# Sourced by bench-local-load.sh and bench-local-burst.sh: what both do around their own run, which is
# one of scripts/local-run.sh's --bench-* modes, and around their own section of docs/benchmarks.md.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# bench_need_python TAG: --write-docs renders with python3; stops (exit 69) without it.
bench_need_python() {
  command -v python3 > /dev/null && return 0
  echo "$1: --write-docs needs python3 (apt-get install python3)" >&2
  exit 69
}

# bench_run TAG HIDE ARGS...: runs scripts/local-run.sh ARGS, showing its output but the lines that
# match the grep pattern HIDE, and keeps that output in $bench_log (removed when the script exits).
# Sets bench_result to the JSON of the last "RESULT " line and bench_status to the run's exit status;
# stops the script (exit 1) when the run reported no result.
bench_run() {
  local tag="$1" hide="$2"
  shift 2
  bench_log="$(mktemp)"
  trap 'rm -f "$bench_log"' EXIT
  set +e
  "$bench_root/scripts/local-run.sh" "$@" 2>&1 | tee "$bench_log" | grep --line-buffered -v "$hide"
  bench_status=${PIPESTATUS[0]}
  set -e
  bench_result="$(sed -n 's/^RESULT //p' "$bench_log" | tail -n1)"
  if [[ -z "$bench_result" ]]; then
    echo "[$tag] the run did not report a result (exit status $bench_status)" >&2
    exit 1
  fi
}

# bench_write_section TAG NAME: puts the markdown read from standard input into docs/benchmarks.md
# between <!-- NAME:begin --> and <!-- NAME:end -->, leaving the rest of the file alone (without the
# markers, the section is appended).
bench_write_section() {
  python3 -c '
import pathlib, sys
tag, name, path = sys.argv[1:]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
section = begin + "\n" + sys.stdin.read().strip("\n") + "\n" + end
p = pathlib.Path(path)
text = p.read_text() if p.exists() else "# Benchmarks\n"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + section + rest.split(end, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
p.write_text(text)
print(f"[{tag}] wrote the {name} section of {path}")
' "$1" "$2" "$bench_root/docs/benchmarks.md"
}
