"""Obligations on every side (issue 26): `party: each`, and the check that a commitment owed by several
parties says whose act it judges.

`party: each` is one commitment per side: the agreement's `signatories` when it declares them, else every
party that is not a monitor (listed in `monitors`, or a claimant whose role is not `party`) — a monitor
or the media owes nothing. It is sugar for writing the list out: each party is judged on its own, with
`$party` in the rule's conditions standing for that party.

A prohibition (or conditional permission, or a level) owed by several parties judges, for each of them, every act its
`when` matches. Written without `$party` ("no attacks", owed by both sides), it charges every side with
every other side's attacks — the defect issue 26 found in a collective ceasefire. Such a rule is refused,
with a message saying how to write it. "Says whose act" means: every event the condition (with its
`scope`) matches names the party, by `equals` or `in`, in some field — `actor: $party`, `actor: [$party,
allies]` (the party answers for its allies), `target: $party` — at the condition's top, or in every
alternative of an `any:`. A `not: $party` names who did *not* act, so it does not count.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from doha_compliance.errors import Location, RuleError
from doha_compliance.rules import conditions

from .spec import AGREEMENT_FILE, RuleSpec

EACH = "each"


def each_party(agreement: Mapping[str, Any]) -> List[str]:
    """Who `party: each` names: the signatories if declared, else every party but the monitors and the
    claimants whose role is not `party`, in the order `parties` declares them."""
    if agreement.get("signatories"):
        return list(agreement["signatories"])
    monitors = set(agreement.get("monitors", ()))
    bystanders = {name for name, spec in (agreement.get("claimants") or {}).items()
                  if isinstance(spec, Mapping) and spec.get("role") != "party"}
    return [p for p in agreement["parties"] if p not in monitors and p not in bystanders]


def owing(spec: RuleSpec, value: Any, agreement: Mapping[str, Any], errors: List[RuleError]) -> Optional[List[str]]:
    """`party: each` expanded; `each` inside a list is refused (it already names every side). None when
    the value does not use `each` (the caller reads it as written)."""
    if value == EACH:
        sides = each_party(agreement)
        if not sides:
            errors.append(RuleError(spec.at("party"), "`party: each` names no one: every party of "
                                                      f"{AGREEMENT_FILE} is a monitor; list who owes the rule"))
        return sides
    if isinstance(value, list) and EACH in value:
        errors.append(RuleError(spec.at("party"), "'each' names every side on its own: write `party: each`, "
                                                  "or list the parties"))
        return [p for p in value if p != EACH]
    return None


def _pins(node: conditions.AllOf) -> bool:
    """Every event the tree matches names `$party` (equals/in) in some field."""
    for part in node.parts:
        if isinstance(part, conditions.Test):
            args = part.arg if isinstance(part.arg, tuple) else (part.arg,)
            if part.op in ("equals", "in") and any(isinstance(a, conditions.Party) for a in args):
                return True
        elif isinstance(part, conditions.AnyOf):
            if all(_pins(alternative) for alternative in part.parts):
                return True
        elif _pins(part):
            return True
    return False


def names_the_party(when: Optional[Mapping[str, Any]], scope: Optional[Mapping[str, Any]] = None) -> bool:
    """Does the act condition (`when`, with `scope`) say whose act it is?"""
    return any(cond and _pins(conditions.parse(cond)) for cond in (when, scope))


def check_distinguishes(spec: RuleSpec, merged: RuleSpec, parties: List[str], judges_acts: bool,
                        errors: List[RuleError]) -> None:
    """Refuse a rule that judges each party's acts (prohibited, conditional, and a level, which counts
    them) owed by several parties whose `when` does not name the party: a shared level without `$party`
    would count every side's attacks in each side's level."""
    if not judges_acts or len(parties) < 2 or not merged.when or names_the_party(merged.when, merged.scope):
        return
    owed = f"{len(parties)} parties ({', '.join(parties)})"
    errors.append(RuleError(spec.at("when"), f"rule '{spec.id}' is owed by {owed} "
                                             "but its when does not say whose act it judges, so every party would be "
                                             "charged with every other party's acts: add `actor: $party` to when"))


def refuse_each_as_party(path: str, parties: Dict[str, Any], errors: List[RuleError]) -> None:
    """A party declared as `each` could not be named by a rule: `party: each` means every side."""
    if EACH in parties:
        errors.append(RuleError(Location(path, None, "parties"), f"'{EACH}' cannot name a party: `party: each` in a "
                                                                 f"rule means every side of {AGREEMENT_FILE}; "
                                                                 "choose another name"))
