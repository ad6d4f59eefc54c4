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
from .compile import Ask, Definition, Tag

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


def durable_decider(definition: Definition) -> Tuple[Ask, Callable[[], None]]:
    """(ask, close) over a private Host holding this ruleset (see `deciders`)."""
    fired: List[Tuple[Tag, str]] = []

    def record(tag: Any, eid: str) -> None:
        fired.append((tag, eid))

    name = f"doha_compliance_{next(_names)}"
    try:
        host = new_host({name: with_actions(definition, record)})
    except RulesetRefused:
        try:
            host = new_host({name: with_actions(split_alternatives(definition), record)})
        except RulesetRefused as exc:  # a valid rule set must not end in a traceback
            raise ComplianceError(f"durable_rules could not compile the rule set's conditions ({exc}), even with "
                                  f"each alternative of an any:/all: nesting as a rule of its own (at most "
                                  f"{MAX_ALTERNATIVES} per condition). Simplify the nesting, or run with --engine "
                                  "python (the same decisions in plain Python).") from None

    def ask(facts: List[Dict[str, Any]]) -> Dict[str, List[Tag]]:
        fired.clear()
        host.assert_facts(name, facts)
        host.retract_facts(name, facts)  # every fact leaves at the end of its day (one call for all)
        by_id: Dict[str, List[Tag]] = {}
        for tag, eid in fired:
            by_id.setdefault(eid, []).append(tag)
        return by_id

    def close() -> None:
        delete_ruleset(host, name)

    return ask, close
