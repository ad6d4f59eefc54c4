"""Tighter carve-outs (issue 25, commitment-semantics §5.13): what a time of day and a stated
proportion change about a conditional act the matcher found a justifier for.

The matcher already keeps, as an act's justifiers, only events that precede it when both give a time
of day on the same day, and (with `answers: actor`) only those by the actor the act was aimed at.
What is left for the judge: saying in the reason when the order within the day could not be
checked; leaving out an act dated on its version's first day before the time it took effect; and
weighing `justified_by.magnitude` -- an act justified in time but beyond the stated proportion is
`unresolved`, not `violation` (DECISION, §5.13)."""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

from doha_compliance.models import Event, Magnitude, Rule


def before_start(rule: Rule, e: Event) -> bool:
    """Whether the act is on the version's first day at a stated time before it took effect."""
    clock = e.extra.get("time")
    return (rule.effective_from_time is not None and e.date == rule.effective_from and clock is not None
            and clock < rule.effective_from_time)


def start_note(rule: Rule, e: Event) -> str:
    """What the reason says of an act on the first day of a version that took effect at a time, when
    the act gives none: it is judged (DECISION), and the reader is told what could not be checked."""
    if rule.effective_from_time is None or e.date != rule.effective_from or e.extra.get("time") is not None:
        return ""
    return (f" The commitment took effect at {rule.effective_from_time} on {e.date}; the act's time of day is not "
            f"stated, so whether it came before could not be checked: judged as in force.")


def order_note(e: Event, latest: Event) -> str:
    """The same-day order of an act and the justifier its reason names."""
    if latest.date != e.date:
        return ""
    act, answered = e.extra.get("time"), latest.extra.get("time")
    if act is not None and answered is not None:
        return f" (at {answered}, the act at {act})"
    missing = ", ".join(w for w, t in (("the act", act), (latest.id, answered)) if t is None)
    return f" (the same day: the order within the day could not be checked, no time of day for {missing})"


Weighed = Tuple[Optional[bool], Optional[str]]


def weigh(magnitude: Optional[Magnitude], e: Event, justifiers: Sequence[Event]) -> Weighed:
    """(within the proportion?, the relation as shown) for an act and its cited justifiers; (None, None)
    with no stated proportion, (None, text) when a value is missing (not weighed, the act stays
    justified: a missing figure is not evidence). The act is weighed against the most favourable
    cited justifier -- the one of the largest value (DECISION: any one answered event suffices)."""
    if magnitude is None:
        return None, None
    field = magnitude.field
    act = e.get(field)
    valued = [j for j in justifiers if j.get(field) is not None]
    if act is None:
        return None, f"not weighed: the act's {field} not stated ({magnitude.describe()})"
    if not valued:
        return None, f"not weighed: {act} {field}, the answered events' not stated ({magnitude.describe()})"
    best = max(valued, key=lambda j: (j.get(field), j.sort_key))
    against = f"{act} {field} against {best.get(field)} in the answered {best.type} ({best.id})"
    if magnitude.allows(act, best.get(field)):
        return True, f"{against}: within the stated proportion ({magnitude.describe()})"
    return False, f"{against}: beyond the stated proportion ({magnitude.describe()})"


def in_reason(within: Optional[bool], magnitude: Optional[Magnitude]) -> str:
    """What the act's reason says of the proportion (the relation itself is the finding's `magnitude`)."""
    if magnitude is None:
        return ""
    said = {True: "within", False: "beyond"}.get(within) if within is not None else None
    return f"; {said} the stated proportion of {magnitude.field}" if said \
        else f"; the proportion of {magnitude.field} not weighed (not stated)"


def missing_note(e: Event) -> str:
    """An act with a time of day: the same-day events stated to come later are not what answers it."""
    clock = e.extra.get("time")
    return f" (an event of its own day stated after {clock}, the act's time, does not count)" if clock else ""
