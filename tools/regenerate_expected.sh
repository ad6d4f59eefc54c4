#!/usr/bin/env bash
# Rewrite the examples' expected reports after a deliberate change; review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
run() { python3 -m doha_compliance report --rules rules/doha "$@"; }
run --events examples/oct2020/events.yaml --as-of 2020-10-31 --format json > examples/oct2020/expected.json
run --events examples/oct2020/events.yaml --as-of 2020-10-31 > examples/oct2020/expected.txt
for d in 2020-07-14 2021-04-30 2021-05-02; do
  run --events examples/timeline_2020_2021/events.yaml --as-of "$d" --format json > "examples/timeline_2020_2021/expected-$d.json"
done
run --events examples/timeline_2020_2021/events.yaml --as-of 2021-05-02 > examples/timeline_2020_2021/expected-2021-05-02.txt
