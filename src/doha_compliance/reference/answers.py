"""Who answers for whom, read plainly (SPEC §5.16, issue 25), for the reference judge.

Written from the specification, not from the pipeline's condition rewrite: an act by an actor that a
party answers for (`agreement.answers_for`), where the bond's `where` holds, is read *as the party's
act* — the rule's `when` is tested with the act's actor read as the party. The raw `Agreement`
fields are read here; `Rule.bonds` and `models.answered_condition` are not used.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional

from doha_compliance.models import Agreement, Event
from doha_compliance.rules import conditions


def answered_by(agreement: Agreement, party: str, act: Event) -> bool:
    """Does `party` answer for this act by another actor (the bond names the actor, its `where` holds)?"""
    for bond in agreement.answers_for:
        if bond.party != party or act.actor not in bond.actors:
            continue
        if bond.where is None or conditions.matches(bond.where, act.get):
            return True
    return False


def _as_party(act: Event, party: str) -> Callable[[str], Any]:
    def get(name: str) -> Any:
        return party if name == "actor" else act.get(name)
    return get


def acts_match(agreement: Agreement, cond: Mapping[str, Any], party: str, act: Event) -> bool:
    """The act meets the condition as it is, or, when the party answers for it, read as the party's."""
    bound = conditions.substitute_party(cond, party)
    if conditions.matches(bound, act.get):
        return True
    return answered_by(agreement, party, act) and conditions.matches(bound, _as_party(act, party))


def act_by(agreement: Agreement, party: str, act: Event) -> Optional[str]:
    """The actor a finding names when the party answers for the act (None for its own act)."""
    return act.actor if answered_by(agreement, party, act) else None
