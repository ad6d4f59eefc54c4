"""The ruleset compiler: an agreement's rules as one durable_rules JSON definition."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping

from doha_compliance.matching.matches import covers_continuing, first_effective, match_window, units
from doha_compliance.models import Agreement
from doha_compliance.rules import conditions

from ._adapter import fact_dict

Expr = conditions.Expr
# A durable_rules ruleset: rule name -> {"all": [patterns], "cap": ..., "run": action} (its format, not ours).
Definition = Dict[str, Dict[str, Any]]


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


def compile_ruleset(agreement: Agreement, record: Callable[..., None]) -> Definition:
    """The durable_rules JSON definition: hits, justifiers, fulfilments and coverage, plus the catch-all."""
    definition: Definition = {}

    def action(*tag: Any) -> Callable[[Any], None]:
        # With `cap`, c.m is the list of matching facts. Keep only ids: holding on to durable's
        # closure objects costs memory and time.
        # The plain dict inside durable's Content wrapper spares a wrapper per match (durable_internals).
        def matched(c: Any) -> None:
            for fact in c.m:
                record(tag, fact_dict(fact)["id"])
        return matched

    def durable(cond: Mapping[str, Any], party: str) -> List[Expr]:
        return conditions.to_durable(conditions.bind(conditions.parse(cond), party))

    for index, (rule, party) in enumerate(units(agreement)):
        unit = (rule.version, party)
        start, end = match_window(agreement, rule)
        window = [{"$gte": {"day": start.toordinal()}}]
        if end is not None:
            window.append({"$lte": {"day": end.toordinal()}})
        if rule.starts_when and rule.starts_when.when:
            since = [{"$gte": {"day": first_effective(agreement, rule).toordinal()}}]
            definition[f"t{index}"] = {"all": [{"m": all_of(durable(rule.starts_when.when, party) + since)}], "cap": CAP,
                                       "run": action("t", unit)}
        if rule.traits.deadline:
            for part, fulfilment in enumerate(rule.fulfilments):
                definition[f"f{index}_{part}"] = {"all": [{"m": all_of(durable(fulfilment.when, party) + window)}],
                                                  "cap": CAP, "run": action("f", (rule.version, party, part))}
            if rule.covered_by:
                definition[f"c{index}"] = {"all": [{"m": all_of(durable(rule.covered_by, party))}], "cap": CAP,
                                           "run": action("c", unit)}
            continue
        if rule.traits.through_claims:
            continue
        if covers_continuing(rule):
            cover = durable(rule.coverage_condition or {}, party) + window
            definition[f"v{index}"] = {"all": [{"m": all_of(cover)}], "cap": CAP, "run": action("v", unit)}
        cond = durable(rule.when if rule.traits.claim else rule.act_condition, party) + window
        if rule.traits.claim:
            cond.append({"$neq": {rule.accused_field: ""}})
        definition[f"h{index}"] = {"all": [{"m": all_of(cond)}], "cap": CAP, "run": action("h", unit)}
        if rule.traits.justifiable:
            jb = rule.justified_by
            assert jb is not None
            jcond = durable(jb.when, party)
            definition[f"k{index}"] = {"all": [{"m": all_of(jcond)}], "cap": CAP, "run": action("k", unit)}
    definition[CATCH_ALL] = {"all": [{"m": {"$ex": {"type": 1}}}, {"n": NEVER}], "run": action("_")}
    return definition
