"""The durable_rules decider: the compiled ruleset registered in a thread-less Host.

Imported only when durable_rules is chosen (`deciders.decider`): durable_rules does not import on
Python 3.13, and nothing else of the package needs it. How durable_rules is used and why:
`engine`'s docstring; its private internals: `_adapter`."""
from __future__ import annotations

import itertools
from typing import Any, Callable, Dict, List, Tuple

from doha_compliance.errors import ComplianceError

from ._adapter import RulesetRefused, delete_ruleset, fact_dict, new_host
from .alternatives import MAX_ALTERNATIVES, split_alternatives
from .compile import CATCH_ALL, Ask, Definition, Tag

_names = itertools.count()


def with_actions(definition: Definition, record: Callable[[Any, str], None]) -> Definition:
    """The definition as durable_rules takes it: each rule's `tag` replaced by a `run` action that
    records (tag, fact id) for every fact it matched (a fresh dict per rule: durable_rules takes
    each rule's `run` out of the definition it is given)."""
    out: Definition = {}
    for name, rule in definition.items():
        body = {k: v for k, v in rule.items() if k != "tag"}
        body["run"] = _action(rule.get("tag"), record)
        out[name] = body
    return out


def _action(tag: Any, record: Callable[[Any, str], None]) -> Callable[[Any], None]:
    # With `cap`, c.m is the list of matching facts. Keep only ids: holding on to durable's
    # closure objects costs memory and time. The plain dict inside durable's Content wrapper
    # spares a wrapper per match (`_adapter.fact_dict`).
    def matched(c: Any) -> None:
        for fact in c.m:
            record(tag, fact_dict(fact)["id"])
    return matched


def _register(host: Any, definition: Definition, record: Callable[[Any, str], None], names: List[Tuple[str, int]],
              split: bool = False) -> None:
    """Register the definition in the host as one ruleset, or as several when durable_rules refuses it,
    appending (name, rules) of each ruleset registered to `names`, in order. A refused definition is first
    tried with each `any:`/`all:` nesting split into its alternatives (`split_alternatives`, error 113); one
    still refused (error 108: too large, some 500 rules) is halved, each half with the catch-all, until every
    part compiles."""
    name = f"doha_compliance_{next(_names)}"
    rules = [key for key in definition if key != CATCH_ALL]
    try:
        host.register_rulesets({name: with_actions(definition, record)})
        names.append((name, len(rules)))
        return
    except RulesetRefused as exc:
        if not split:
            alternatives = split_alternatives(definition)
            if len(alternatives) > len(definition):
                _register(host, alternatives, record, names, split=True)
                return
        if len(rules) < 2:  # a valid rule set must not end in a traceback
            raise ComplianceError(f"durable_rules could not compile the rule set's conditions ({exc}), even with "
                                  f"each alternative of an any:/all: nesting as a rule of its own (at most "
                                  f"{MAX_ALTERNATIVES} per condition). Simplify the nesting, or run with --engine "
                                  "python (the same decisions in plain Python).") from None
    half = len(rules) // 2
    for part in (rules[:half], rules[half:]):
        _register(host, _part(definition, part), record, names, split)


def _part(definition: Definition, rules: List[str]) -> Definition:
    """Some of the definition's rules, with its catch-all."""
    sub = {key: definition[key] for key in rules}
    if CATCH_ALL in definition:
        sub[CATCH_ALL] = definition[CATCH_ALL]
    return sub


def durable_decider(definition: Definition) -> Tuple[Ask, Callable[[], None]]:
    """(ask, close) over a private Host holding this ruleset (see `deciders`), in several rulesets if
    durable_rules refuses it whole (`_register`), or refuses a fact that fires too many of its rules
    (error 303: some 64 distinct conditions matching one fact): the rulesets are then rebuilt with half
    as many rules each and the facts asked again."""
    fired: List[Tuple[Tag, str]] = []

    def record(tag: Any, eid: str) -> None:
        fired.append((tag, eid))

    host = new_host({})
    names: List[Tuple[str, int]] = []
    rules = [key for key in definition if key != CATCH_ALL]

    def build(size: int) -> None:
        try:
            for start in range(0, max(len(rules), 1), size):
                _register(host, _part(definition, rules[start:start + size]) if size < len(rules) else definition,
                          record, names)
        except BaseException:
            close()
            raise

    def close() -> None:
        for name, _ in names:
            delete_ruleset(host, name)
        names.clear()

    build(max(len(rules), 1))

    def ask(facts: List[Dict[str, Any]]) -> Dict[str, List[Tag]]:
        while True:
            fired.clear()
            try:
                for name, _ in names:
                    host.assert_facts(name, facts)
                    host.retract_facts(name, facts)  # every fact leaves at the end of its day (one call for all)
                break
            except RulesetRefused as exc:
                largest = max(count for _, count in names)
                if largest < 2:
                    raise ComplianceError(f"durable_rules could not decide an event ({exc}); run with --engine "
                                          "python (the same decisions in plain Python)") from None
                close()
                build(largest // 2)
        by_id: Dict[str, List[Tag]] = {}
        for tag, eid in fired:
            by_id.setdefault(eid, []).append(tag)
        return by_id

    return ask, close
