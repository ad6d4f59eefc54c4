"""The reference judge's deadlines under amendments (SPEC §5.15, issue 25), the slow obvious way.

A deadline is judged by the version in force on its due date. Take the versions in effective
order, leaving out those that take effect after the report date (not yet agreed). Keep a list of
deadlines, each (version judging it, what moved its date); start with the first version. For each
later version V, look at the last deadline (version J, due day X; V's due day Y):
- J was met (by X, if X is a day) before V takes effect: V changes nothing (settled);
- X is none, or V takes effect on or before X: V replaces J (if Y differs from X, say so);
- else (the deadline lapsed before V, unmet by X): if Y is a date after X, a new deadline (V, Y)
  is added after it; otherwise V changes nothing judged.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, List, Optional, Tuple

from doha_compliance.models import Agreement, Amendment, Rule

from ._plain import _offset, _versions


def due_day(rule: Rule, start: dt.date) -> Optional[dt.date]:
    """The version's due day for a commitment started on `start` (never before the start)."""
    if rule.due_after_trigger is not None:
        days, months = rule.due_after_trigger
        return _offset(start, days, months)
    if rule.due is not None:
        return max(rule.due, start)
    return None


def _made_by(agreement: Agreement, rule: Rule) -> Optional[Amendment]:
    for a in agreement.amendments:
        if rule.id in a.rules and rule.version == f"{rule.id}@{a.id}":
            return a
    return None


def moved(agreement: Agreement, rule: Rule, old: Optional[dt.date], new: Optional[dt.date],
          known: Callable[[str], bool], lapsed: bool) -> str:
    """How version `rule` moved the date from `old` to `new`."""
    a = _made_by(agreement, rule)
    source = rule.version if a is None else a.id
    if a is not None and a.event is not None:
        source += f" ({a.event})" if known(a.event) else f" ({a.event}, not in the input)"
    day = rule.effective_from.isoformat()
    if old is None:
        words = "dated on " + day + " by " + source + ": due " + str(new)
    elif new is None:
        words = "undated on " + day + " by " + source + ": was due " + str(old)
    elif new < old:
        words = "brought forward on " + day + " by " + source + " from " + str(old) + " to " + str(new)
    else:
        words = "extended on " + day + " by " + source + " from " + str(old) + " to " + str(new)
    if a is not None:
        who = list(a.agreed_by)
        words += ", agreed by " + (who[0] if len(who) == 1 else ", ".join(who[:-1]) + " and " + who[-1])
    if lapsed:
        words += "; " + str(old) + " had passed unmet, and that default stays on record"
    return words


def deadlines_of(agreement: Agreement, rule_id: str, start: dt.date, as_of: dt.date,
                 met_on: Callable[[Rule], Optional[dt.date]], known: Callable[[str], bool]
                 ) -> List[Tuple[Rule, List[str], List[str]]]:
    """Each deadline: (the version judging it, the texts of how its date moved, the events cited)."""
    versions = _versions(agreement, rule_id)
    known_versions = [versions[0]] + [v for v in versions[1:] if v.effective_from <= as_of]
    out: List[Tuple[Rule, List[str], List[str]]] = [(known_versions[0], [], [])]
    for v in known_versions[1:]:
        judging, texts, events = out[-1]
        old, new = due_day(judging, start), due_day(v, start)
        met = met_on(judging)
        if met is not None and met < v.effective_from and (old is None or met <= old):
            continue
        a = _made_by(agreement, v)
        event = [a.event] if a is not None and a.event is not None else []
        if old is None or v.effective_from <= old:
            if new != old:
                texts = texts + [moved(agreement, v, old, new, known, False)]
                events = events + event
            out[-1] = (v, texts, events)
        elif new is not None and new > old:
            out.append((v, [moved(agreement, v, old, new, known, True)], event))
    return out
