"""The ruleset compiler: an agreement's rules as one durable_rules JSON definition.

Each rule is a pattern and the tag a fact matching it gets (`"tag": (kind, unit)`), not an action:
the definition is what is decided, and a decider (`deciders`) decides it — durable_rules attaches
its actions when it builds its Host (`host`), the Python decider evaluates the same patterns
(`predicates`)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Tuple

from doha_compliance.matching.matches import first_effective, match_window, units
from doha_compliance.models import Agreement, slot_version, trigger_slots
from doha_compliance.rules import conditions

Expr = conditions.Expr
# A durable_rules ruleset without its actions: rule name -> {"all": [patterns], "cap": ..., "tag": (kind, unit)}
# (durable's format, but for `tag`, which the durable decider turns into a `run` action).
Definition = Dict[str, Dict[str, Any]]
# What a fact matching a rule is tagged with: (kind, unit), e.g. ("h", (version, party)).
Tag = Tuple[str, Any]
# A decider's question: a batch of narrow facts -> {fact id: the tags it fired, first-fired first}.
Ask = Callable[[List[Dict[str, Any]]], Dict[str, List[Tag]]]


def all_of(parts: List[Expr]) -> Expr:
    if not parts:
        return {"$ex": {"type": 1}}
    return parts[0] if len(parts) == 1 else {"$and": parts}


# Matches a rule hands its action at once. Each action costs a JSON round trip of the state in
# durable_rules' Python layer; with `cap` a day's matches of a rule arrive in one action, not one each.
CAP = 10_000
# The catch-all's second half: a type no event can have (event types are ids, `[a-z0-9_][a-z0-9_.@-]*`).
NEVER = {"type": "\u0000never"}
CATCH_ALL = "_any"


def compile_ruleset(agreement: Agreement) -> Definition:
    """The durable_rules JSON definition: hits, justifiers, fulfilments and coverage, plus the catch-all
    (which has no tag: no fact ever completes it)."""
    definition: Definition = {}

    def tag(kind: str, unit: Any) -> Tuple[str, Any]:  # what a fact matching the rule is tagged with
        return (kind, unit)

    def durable(cond: Mapping[str, Any], party: str) -> List[Expr]:
        return conditions.to_durable(conditions.bind(conditions.parse(cond), party))

    for index, (rule, party) in enumerate(units(agreement)):
        unit = (rule.version, party)
        start, end = match_window(agreement, rule)
        window = [{"$gte": {"day": start.toordinal()}}]
        if end is not None:
            window.append({"$lte": {"day": end.toordinal()}})
        for slot, when in trigger_slots(rule):  # issue 26: each event form of starts_when / ends_when
            since = [{"$gte": {"day": first_effective(agreement, rule).toordinal()}}]
            definition[f"t{index}{slot}"] = {"all": [{"m": all_of(durable(when, party) + since)}], "cap": CAP,
                                             "tag": tag("t", (slot_version(rule.version, slot), party))}
        if rule.traits.deadline:
            for part, fulfilment in enumerate(rule.fulfilments):
                definition[f"f{index}_{part}"] = {"all": [{"m": all_of(durable(fulfilment.when, party) + window)}],
                                                  "cap": CAP, "tag": tag("f", (rule.version, party, part))}
                if fulfilment.bears_on is not None:
                    definition[f"b{index}_{part}"] = {"all": [{"m": all_of(durable(fulfilment.bears_on, party))}],
                                                      "cap": CAP, "tag": tag("b", (rule.version, party, part))}
            if rule.covered_by:
                definition[f"c{index}"] = {"all": [{"m": all_of(durable(rule.covered_by, party))}], "cap": CAP,
                                           "tag": tag("c", unit)}
            continue
        if rule.traits.through_claims:
            continue
        if rule.answered_by is not None:  # issue 25: a duty to prevent's responses, as part 0 (any date)
            definition[f"f{index}_0"] = {"all": [{"m": all_of(durable(rule.answered_by.when, party))}],
                                         "cap": CAP, "tag": tag("f", (rule.version, party, 0))}
        acts = rule.acts_to_prevent if rule.traits.prevents else rule.acts_for(party)
        cond = durable(rule.when if rule.traits.claim else acts, party) + window
        if rule.traits.claim:
            cond.append({"$neq": {rule.accused_field: ""}})
        definition[f"h{index}"] = {"all": [{"m": all_of(cond)}], "cap": CAP, "tag": tag("h", unit)}
        if rule.traits.justifiable:
            jb = rule.justified_by
            assert jb is not None
            jcond = durable(jb.when, party)
            definition[f"k{index}"] = {"all": [{"m": all_of(jcond)}], "cap": CAP, "tag": tag("k", unit)}
    definition[CATCH_ALL] = {"all": [{"m": {"$ex": {"type": 1}}}, {"n": NEVER}], "tag": None}
    return definition
