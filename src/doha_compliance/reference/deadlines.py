"""The reference judge's deadlines: when a deadline's fulfilment was reached, part by part, and
the events it cites (SPEC §5.3: counted from the start; a total counts events with a value; a
ceiling cites what was counted until the total reached it)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Sequence, Tuple

from doha_compliance.models import Agreement, Event, Fulfilment, Rule
from doha_compliance.rules import conditions

from ._plain import _match, _number
from .verification import part_state


def fulfilled(rule: Rule, party: str, start: dt.date, seen: Sequence[Event], agreement: Optional[Agreement] = None,
              states: Optional[Dict[int, Dict[str, Any]]] = None
              ) -> Tuple[Optional[dt.date], List[str], List[Optional[dt.date]]]:
    """(the day every part was reached, or None; the evidence ids in (date, id) order; the day each
    part was reached, or None). A part with `verified_by` (SPEC §5.12) is reached on the day of the
    declaration a monitor verified, citing both; its state goes into `states` by part index."""
    # what fulfils it, counted from the start (SPEC §5.3)
    part_done: List[Optional[dt.date]] = []
    evidence: List[Event] = []
    for part in rule.fulfilments:
        matching = [e for e in seen if e.date >= start and _match(part.when, party, e)]
        if part.verified_by is not None and agreement is not None:
            st = part_state(agreement, part, party, matching, seen)
            if states is not None:
                states[len(part_done)] = st
            verified = st["state"] == "verified"
            part_done.append(st["done"].date if verified else None)
            evidence.extend([st["declaration"], st["verification"]] if verified else [])
            continue
        if part.percent_at_least is not None:  # SPEC §5.12: the first stated percent reaching it
            reaching = [e for e in matching if e.extra.get("percent") is not None
                        and e.extra["percent"] >= part.percent_at_least]
            part_done.append(reaching[0].date if reaching else None)
            evidence.extend(reaching[:1])
            continue
        if part.total_of is None:
            part_done.append(matching[0].date if matching else None)
            evidence.extend(matching[:1])
            continue
        counted = [e for e in matching if _number(e.get(part.total_of)) is not None]
        required = part.at_least if part.at_least is not None else (1 if part.up_to is not None else 0)
        total, done_at = 0, None
        for index, e in enumerate(counted):
            total += _number(e.get(part.total_of)) or 0
            if total >= required:
                done_at = index
                break
        part_done.append(counted[done_at].date if done_at is not None else None)
        if part.up_to is not None:
            # a ceiling keeps counting after it is met; its evidence is what was counted until the
            # total reached the ceiling (SPEC 5.3): the events past it are counted, not cited
            running = 0
            for e in counted:
                if running >= part.up_to:
                    break
                evidence.append(e)
                running += _number(e.get(part.total_of)) or 0
        elif done_at is None:
            evidence.extend(counted)
        else:
            evidence.extend(counted[:done_at + 1])
    reached = [d for d in part_done if d is not None]
    done = max(reached) if reached and len(reached) == len(part_done) else None
    unique = {e.id: e for e in evidence}
    return done, [e.id for e in sorted(unique.values(), key=lambda e: (e.date, e.id))], part_done


def _is_number_test(test: conditions.Test) -> bool:
    """A test on a number: a comparison, or equal to / one of whole numbers."""
    if test.op in ("at_least", "at_most", "above", "below"):
        return True
    args = test.arg if isinstance(test.arg, tuple) else (test.arg,)
    return len(args) > 0 and all(isinstance(a, int) and not isinstance(a, bool) for a in args)


def _holds_but_numbers(node: conditions.Node, event: Event) -> bool:
    """The condition holds for the event when every test on a number is taken to hold."""
    if isinstance(node, conditions.Test):
        return _is_number_test(node) or conditions.holds(node, event.get)
    if isinstance(node, conditions.AnyOf):
        return any(_holds_but_numbers(alternative, event) for alternative in node.parts)
    return all(_holds_but_numbers(part, event) for part in node.parts)


def part_has_evidence(part: Fulfilment, party: str, start: dt.date, seen: Sequence[Event]) -> bool:
    """Some event on or after the start bears on the part: it matches the part's `when`, whatever
    figures it reports (the thresholds ignored: a troop level of 7,000 bears on "forces at zero";
    SPEC §5.3, addendum 5)."""
    when = part.when
    if part.place is not None:  # SPEC §8.4: a place's part is borne on by its `when` at any place
        when = {k: ([c for c in v if not any(f.startswith("at_place:") for f in c)] if k == "all" else v)
                for k, v in when.items()}
        when = {k: v for k, v in when.items() if v != []}
    tree = conditions.parse(conditions.substitute_party(when, party))
    return any(e.date >= start and _holds_but_numbers(tree, e) for e in seen)
