"""One durable_rules ruleset for all rules, or one per rule family: which is faster?

    python3 benchmarks/ruleset_per_family.py [N]

Issue 8 lists "one ruleset per rule family" among the options for durable_rules' per-event cost.
Both variants here get the same facts (validated, pre-filtered, in per-day batches), the same
capped rules and silent catch-alls, and must record the same matches; only the engine loop is
timed (reading and validation are done before). Families are the rule ids' first part
(`violence`, `strikes`, `claims`, `withdrawal`, ...).
"""
from __future__ import annotations

import itertools
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "src"))

import attrs  # noqa: E402

import doha_compliance as dc  # noqa: E402
from doha_compliance.matching.durable import _adapter as durable_internals
from doha_compliance.matching.durable import compile as durable_compile, facts as durable_facts, prefilter as durable_prefilter
from doha_compliance.api import collect  # noqa: E402
from doha_compliance.matching.matches import units  # noqa: E402


def split_by_family(agreement, definition):
    family_of_index = {i: rule.id.split(".")[0] for i, (rule, _) in enumerate(units(agreement))}
    out = {}
    for name, rule in definition.items():
        if name == "_any":
            continue
        family = family_of_index[int(re.match(r"[a-z](\d+)", name).group(1))]  # h3, k3, f3_0, ...
        out.setdefault(family, {})[name] = rule
    for rules in out.values():
        rules["_any"] = dict(definition["_any"])  # durable_rules takes "run" out of the dict it registers
    return out


def run(agreement, events, variant: str) -> tuple:
    """variant: "one" ruleset; "families" each given every fact; "filtered" each given only the
    facts its own pre-filter admits."""
    fired = []
    from doha_compliance.matching.durable.host import with_actions
    definition = with_actions(durable_compile.compile_ruleset(agreement), lambda tag, eid: fired.append((tag[0], tag[1], eid)))
    rulesets = {"all": definition} if variant == "one" else split_by_family(agreement, definition)
    names = {f"bench_{variant}_{family}": rules for family, rules in rulesets.items()}
    host = durable_internals.new_host(names)
    numeric, text = durable_facts.fields_read(agreement)
    make = durable_facts.fact_maker(numeric, text)
    could_match = durable_prefilter.prefilter(agreement)
    admits = {name: could_match for name in names}
    if variant == "filtered":
        for name, family in zip(names, rulesets, strict=True):
            part = attrs.evolve(agreement, rules=tuple(r for r in agreement.rules if r.id.split(".")[0] == family))
            admits[name] = durable_prefilter.prefilter(part)
    start = time.perf_counter()
    for _, day in itertools.groupby(events, key=lambda e: e.date):
        todays = [e for e in day if could_match(e)]
        for name in names:
            facts = [make(e) for e in todays if admits[name](e)]
            if facts:
                host.assert_facts(name, facts)
                host.retract_facts(name, facts)
    seconds = time.perf_counter() - start
    for name in names:
        durable_internals.delete_ruleset(host, name)
    return seconds, len(names), sorted(set(fired))


def main() -> None:
    import synthetic
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    agreement = dc.load_rules(os.path.join(ROOT, "rules", "doha"))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "events.jsonl")
        synthetic.write_jsonl(path, n)
        events, _, _ = collect(agreement, dc.read_events(path))
    events.sort(key=lambda e: e.sort_key)
    one_s, _, one_fired = run(agreement, events, "one")
    print(f"N = {n:,}: one ruleset: {one_s:.2f} s ({len(one_fired):,} matches recorded)")
    for variant, what in (("families", "every fact to each"), ("filtered", "each its own pre-filtered facts")):
        seconds, count, fired = run(agreement, events, variant)
        assert fired == one_fired, "every variant must record the same matches"
        print(f"  {count} rulesets, {what}: {seconds:.2f} s = {seconds / one_s:.2f}x one ruleset (same matches)")


if __name__ == "__main__":
    main()
