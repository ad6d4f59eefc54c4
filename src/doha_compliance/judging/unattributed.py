"""Acts nobody claimed (issue 24, commitment-semantics §5.9): each listed with the commitments it would
bear on, were one of the owing parties its actor.

Such an act breaches no party's prohibition and justifies no party's act (`models.attributed` decides
who answers for an event). What it *would* bear on is the question an analyst asks next ("whose
commitment would this rocket attack break, if it were theirs?"): a prohibited or conditional rule
version in force on the act's day whose `when` and `scope` hold with the actor read as the owing
party (or as it is, for a rule that names the actor `unknown`, which `rules check` warns about). A
deadline or a claim needs nothing of an act, so it is never listed. The list is spooled
(on disk past a limit), one row an act, as the events pass: never a list of all events.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, List, Optional, Tuple

from doha_compliance._util.spool import Spool, unclaimed_spool
from doha_compliance.models import Agreement, Event, Rule, UnclaimedAct, attributed
from doha_compliance.rules import conditions


class Unclaimed:
    """Feed every judged event (`add`); `finish` gives the spooled rows, in the order given."""

    def __init__(self, agreement: Agreement):
        self._units: List[Tuple[Rule, str, Any]] = []
        # issue 25 (§5.16): the duties to prevent, each (rule, party, the acts it names)
        self._prevent = [(rule, party, conditions.bind(conditions.parse(rule.acts_to_prevent), party))
                         for rule in agreement.rules if rule.traits.prevents for party in rule.parties]
        for rule in agreement.rules:
            if not rule.traits.continuing:
                continue
            cond = {**rule.when, "all": list(rule.when.get("all", [])) + ([rule.scope] if rule.scope else [])}
            tree = conditions.parse(cond)
            for party in rule.parties:
                self._units.append((rule, party, conditions.bind(tree, party)))
        self.rows: Spool[UnclaimedAct] = unclaimed_spool()

    def add(self, event: Event) -> None:
        if attributed(event):
            return
        # an act a duty to prevent names bears on that duty and on nothing else (§5.16)
        bears = sorted({(rule.id, party) for rule, party, tree in self._prevent
                        if rule.in_force(event.date) and conditions.holds(tree, event.get)})
        if not bears:
            bears = sorted({(rule.id, party) for rule, party, tree in self._units
                            if rule.in_force(event.date)
                            and (conditions.holds(tree, _as_by(event, party)) or conditions.holds(tree, event.get))})
        observer = event.get("observed_by")  # issues 25/26: the monitor that saw it is named
        self.rows.append(UnclaimedAct(event.id, event.date, event.type, event.province, event.place, tuple(bears),
                                      None if observer is None else str(observer)))

    def finish(self) -> Spool[UnclaimedAct]:
        return self.rows.finish()


def _as_by(event: Event, party: str) -> Callable[[str], Any]:
    """The event's fields, its actor read as `party`."""
    get = event.get
    return lambda name: party if name == "actor" else get(name)


def bearing_on(rows: Iterator[UnclaimedAct], parties: Optional[List[str]], rules: Optional[List[str]]
               ) -> Iterator[UnclaimedAct]:
    """The rows a report filtered to some parties or rules keeps: those bearing on one of them."""
    for row in rows:
        if any((not parties or p in parties) and (not rules or r in rules) for r, p in row.bears_on):
            yield row
