"""A duty to prevent, judged on conduct (issue 25, commitment-semantics §5.16): kind `prevent`.

Each act the rule names (anyone's — an act nobody claimed is the usual case) is judged on what the owing
party did after it: a response (`answered_by.when`) on the act's day or within `within_days` after it
makes the act `complied` (the response cited); none by the window's end leaves it `unresolved` — no
response is recorded, and a duty to prevent is judged on conduct, so silence is never a violation (the
record may simply not hold the arrests); a window still open on the report date is `pending`.

DECISION (monitors): a monitor's report does not make it a violation. A report `about` the act speaks of
the act, which the party did not commit; only its conduct after the act is judged, and a report that the
party did nothing would be evidence of absence the record cannot weigh. Such a report is weighed as a
claim (§5.7) beside the finding and changes no status.

The acts and responses of a rule are few (a party's territory, a stated window), so they are held in
memory per unit until the report date is known."""
from __future__ import annotations

import datetime as dt
from typing import Dict, List, Tuple

from doha_compliance.matching.matches import Matches
from doha_compliance.models import Agreement, Event, Finding, NotAssessed, Rule, denial

from . import confidence
from .deadlines import plural

Unit = Tuple[str, str]


def _where(e: Event) -> str:
    return f" in {e.province or e.place}" if (e.province or e.place) else ""


class Prevent:
    """Feed each day's matches (`take`, before the deadlines clear the responses); `finish` judges."""

    def __init__(self, agreement: Agreement):
        self.rules = [r for r in agreement.rules if r.traits.prevents]
        self._acts: Dict[Unit, List[Event]] = {}
        self._responses: Dict[Unit, List[Event]] = {}

    def take(self, matches: Matches) -> None:
        for rule in self.rules:
            for party in rule.parties:
                unit = (rule.version, party)
                acts = matches.hits.pop(unit, None)
                if acts:
                    self._acts.setdefault(unit, []).extend(acts)
                responses = matches.fulfils.pop((rule.version, party, 0), None)
                if responses:
                    self._responses.setdefault(unit, []).extend(responses)

    def finish(self, as_of: dt.date) -> Tuple[List[Finding], List[NotAssessed], List[Event]]:
        """(the findings, the units with no act to judge, the events cited)."""
        findings: List[Finding] = []
        listed: List[NotAssessed] = []
        cited: Dict[str, Event] = {}
        for rule in self.rules:
            if rule.effective_from > as_of:
                if rule.amends is None:  # not yet in force: owed, so listed (§5.2), once, by its first version
                    findings.extend(Finding(rule=rule.id, version=rule.version, party=party, status="not_triggered",
                                            date=as_of, evidence=(), reason=f"{rule.title}: it takes effect on "
                                            f"{rule.effective_from}.", anchor="not-triggered")
                                    for party in rule.parties)
                continue  # a version not yet in force judges nothing (another version may)
            for party in rule.parties:
                unit = (rule.version, party)
                acts = sorted((e for e in self._acts.get(unit, ()) if e.date <= as_of), key=lambda e: e.sort_key)
                if not acts:
                    listed.append(NotAssessed(rule.id, rule.version, party, "no act it is to prevent in the "
                                              "input; a duty to prevent is judged on the response to each act."))
                    continue
                responses = sorted((e for e in self._responses.get(unit, ()) if e.date <= as_of),
                                   key=lambda e: e.sort_key)
                for act in acts:
                    f, shown = _judge(rule, party, act, responses, as_of)
                    findings.append(f)
                    for e in shown:
                        cited[e.id] = e
        return findings, listed, sorted(cited.values(), key=lambda e: e.sort_key)


def _judge(rule: Rule, party: str, act: Event, responses: List[Event], as_of: dt.date
           ) -> Tuple[Finding, List[Event]]:
    assert rule.answered_by is not None
    days = rule.answered_by.within_days
    end = act.date + dt.timedelta(days=days)
    answered = [r for r in responses if act.date <= r.date <= end and r.id != act.id]
    what = f"{rule.title}: {act.type} by {act.actor} on {act.date}{_where(act)}"
    if answered:
        first = answered[0]
        status = "complied"
        reason = (f"{what}; {party} responded: {first.type} by {first.actor} on {first.date}{_where(first)} "
                  f"({first.id}), {plural((first.date - act.date).days, 'day')} after, within the "
                  f"{plural(days, 'day')} {rule.id} allows: complied (a duty to prevent is judged on conduct).")
        shown = [act, first]
    elif end < as_of:
        status = "unresolved"
        reason = (f"{what}: no response recorded by {party} within {plural(days, 'day')} (by {end}); a duty to "
                  f"prevent is judged on conduct, and the record may not hold it: unresolved, not a violation.")
        shown = [act]
    else:
        status = "pending"
        reason = (f"{what}: {party} has until {end} to respond ({plural(days, 'day')}); none recorded by "
                  f"the report date: pending.")
        shown = [act]
    reason += denial(act)  # a denial shown beside the act, never weighed
    level, why = confidence.rate(shown, party, status)
    f = Finding(rule=rule.id, version=rule.version, party=party, status=status, date=act.date,
                evidence=tuple(e.id for e in shown), reason=reason, province=act.province,
                due=end if status == "pending" else None, confidence=level, confidence_reasons=why)
    return f, shown
