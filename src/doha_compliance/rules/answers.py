"""Who answers for whom (issue 25, commitment-semantics §5.16): `answers_for:` in agreement.yaml.

A party may answer for the acts of other actors (a state for the armed groups in its territory):
such an act, where the bond's `where` holds, is judged under the party's rules as the party's act
and its finding names the actor. The loader reads the bonds here and hands them to every rule
version (`Rule.bonds`), whose `act_condition` widens its `actor` tests with them
(`models.answered_condition`); the judge asks `answering` which bond an act was judged under."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import attrs

from doha_compliance._util.files import excerpt
from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import Location, RuleError
from doha_compliance.models import RESERVED_ACTORS, Agreement, Bond, Event, Reading, Rule

from . import conditions


def bonds(agreement: Dict[str, Any], where: Location, errors: List[RuleError]) -> Tuple[Bond, ...]:
    """The declared bonds, in the order written. Every name is a declared party; a party does not answer
    for itself, an actor has at most one party answering for it (one act, one answerer), and the reserved
    actors (`unknown`, `other`) are nobody's: an act nobody claimed bears only on a duty to prevent."""
    parties = agreement["parties"]
    out: List[Bond] = []
    answered: Dict[str, str] = {}
    for party, spec in agreement.get("answers_for", {}).items():
        problems = []
        if party not in parties:
            problems.append(f"{excerpt(party)} is not one of the parties{did_you_mean(party, parties)}")
        for actor in spec["actors"]:
            if actor in RESERVED_ACTORS:
                problems.append(f"{party}: {actor} is reserved (an act nobody claimed, or by an actor the agreement "
                                f"does not name) and nobody answers for it; a duty to prevent is kind prevent")
            elif actor not in parties:
                problems.append(f"{party}: actor {excerpt(actor)} is not one of the parties"
                                f"{did_you_mean(actor, parties)}")
            elif actor == party:
                problems.append(f"{party}: a party does not answer for itself")
            elif actor in answered:
                problems.append(f"{party}: {actor} is already answered for by {answered[actor]}: "
                                f"one act has one answerer")
            else:
                answered[actor] = party
        errors.extend(RuleError(where, p) for p in problems)
        out.append(Bond(party=party, actors=tuple(spec["actors"]), where=spec.get("where"), clause=spec.get("clause")))
    return tuple(out)


def bound(rules: Sequence[Rule], readings: Sequence[Reading], found: Tuple[Bond, ...]
          ) -> Tuple[List[Rule], Tuple[Reading, ...]]:
    """Every rule version (and every reading's) carrying the agreement's bonds."""
    if not found:
        return list(rules), tuple(readings)
    return ([attrs.evolve(r, bonds=found) for r in rules],
            tuple(attrs.evolve(reading, versions=tuple(attrs.evolve(v, bonds=found) for v in reading.versions))
                  for reading in readings))


def answering(bonds_: Sequence[Bond], party: str, event: Event) -> Optional[Bond]:
    """The bond under which `party` answers for this act: the party's bond naming the act's actor, whose
    `where` the act meets. None for the party's own act, or an act no bond of the party covers."""
    for bond in bonds_:
        if bond.party == party and event.actor in bond.actors and (
                bond.where is None or conditions.matches(bond.where, event.get)):
            return bond
    return None


def answerer(agreement: Agreement, accused: str, rule_id: Optional[str]) -> Tuple[str, Optional[Bond]]:
    """Whom a claim accusing `accused` is held against (§5.16): the party whose bond names the accused,
    when the claim names no rule or a rule the accused does not owe itself; else the accused."""
    if rule_id and any(accused in r.parties for r in agreement.versions(rule_id)):
        return accused, None
    for bond in agreement.answers_for:
        if accused in bond.actors:
            return bond.party, bond
    return accused, None
