#!/usr/bin/env bash
# Rewrite the examples' expected reports after a deliberate change; review the diff before committing.
#
# The expected reports are written by the code under test, so they cannot by themselves catch a verdict
# that changed by mistake. tests/test_example_verdicts.py holds each example's verdicts reasoned by hand
# from the agreement's text and the events; this script runs its live checks first and writes nothing
# unless the code agrees with every table. A disagreement is an error in a table (fix it and say why) or
# a bug (fix the code): never a reason to regenerate.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -m pytest -q -p no:cacheprovider tests/test_example_verdicts.py tests/test_lebanon_verdicts.py tests/test_minsk_verdicts.py -k live; then
  echo "regenerate_expected.sh: the code disagrees with the hand-reasoned verdict tables" >&2
  echo "(tests/test_example_verdicts.py); nothing was written." >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { python3 -m doha_compliance report --rules rules/doha "$@"; }
# Everything is written to a temporary folder first: a run that fails half-way changes no file.
run --events examples/oct2020/events.yaml --as-of 2020-10-31 --format json > "$tmp/oct2020__expected.json"
run --events examples/oct2020/events.yaml --as-of 2020-10-31 > "$tmp/oct2020__expected.txt"
for d in 2020-07-14 2021-04-30 2021-05-02 2021-09-01; do
  run --events examples/timeline_2020_2021/events.yaml --as-of "$d" --format json > "$tmp/timeline_2020_2021__expected-$d.json"
done
for d in 2021-05-02 2021-09-01; do
  run --events examples/timeline_2020_2021/events.yaml --as-of "$d" > "$tmp/timeline_2020_2021__expected-$d.txt"
done
# each bundled agreement beyond Doha, text and JSON at each date: record RULES EXAMPLE DATE...
record() {
  local rules=$1 example=$2 d
  shift 2
  for d in "$@"; do
    python3 -m doha_compliance report --rules "rules/$rules" --events "examples/$example/events.yaml" \
      --as-of "$d" --format json > "$tmp/${example}__expected-$d.json"
    python3 -m doha_compliance report --rules "rules/$rules" --events "examples/$example/events.yaml" \
      --as-of "$d" > "$tmp/${example}__expected-$d.txt"
  done
}
# issue 25: the Israel–Lebanon record before the 60 days ran out, after the extended date, after the March rockets
record lebanon-2024 lebanon_2024 2025-01-20 2025-02-20 2025-04-30
# issue 26: Minsk II: the pull-back's clocks, the dependent deadlines, after the end of 2015
record minsk-2 minsk_2 2015-03-10 2015-06-30 2016-01-15
for f in "$tmp"/*; do
  name=$(basename "$f")
  mv "$f" "examples/${name%%__*}/${name#*__}"
done
