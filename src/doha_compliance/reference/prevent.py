"""A duty to prevent, read plainly (SPEC §5.16, issue 25), for the reference judge: written from the
specification, not from `judging/prevent.py`.

For every version of a `prevent` rule in force on the report date's side of its start, and every party
owing it: each event in the input up to the report date, dated while the version is in force, that
meets the rule's `when` and `scope` (with `$party` the party; whoever the actor, `unknown` included) is
an act to prevent. Its responses are the events meeting `answered_by.when` dated from the act's day to
`within_days` after it, on or before the report date, other than the act. One response or more:
`complied`, citing the act and the first response. None, the window over before the report date:
`unresolved`. None, the window reaching the report date: `pending`, due the window's last day. A unit
with no act is not assessed; a rule not in force by the report date is `not_triggered`. A monitor's
report never changes these (DECISION (monitors)).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Sequence, Tuple

from doha_compliance.models import Agreement, Event
from doha_compliance.rules.kinds import kind_of

from ._plain import _match


def judge_prevent(agreement: Agreement, seen: Sequence[Event], as_of: dt.date
                  ) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(finding dicts, as the reference judge keeps them; not-assessed entries)."""
    findings: List[Dict[str, Any]] = []
    not_assessed: List[Dict[str, Any]] = []
    for rule in agreement.rules:
        if not kind_of(rule).prevents:
            continue
        if rule.effective_from > as_of:
            first = min(r.effective_from for r in agreement.rules if r.id == rule.id)
            if rule.amends is None and first > as_of:
                for party in rule.parties:
                    findings.append(_finding(rule.id, rule.version, party, "not_triggered", as_of, [], None,
                                             None, "not-triggered"))
            continue
        assert rule.answered_by is not None
        for party in rule.parties:
            acts = []
            for e in seen:
                if e.date > as_of or e.date < rule.effective_from:
                    continue
                if rule.effective_until is not None and e.date > rule.effective_until:
                    continue
                if _match(rule.when, party, e) and (not rule.scope or _match(rule.scope, party, e)):
                    acts.append(e)
            if not acts:
                not_assessed.append({"rule": rule.id, "version": rule.version, "party": party})
                continue
            for act in acts:
                last = act.date + dt.timedelta(days=rule.answered_by.within_days)
                answers = [r for r in seen if r.id != act.id and act.date <= r.date <= last and r.date <= as_of
                           and _match(rule.answered_by.when, party, r)]
                answers.sort(key=lambda r: (r.date, r.id))
                if answers:
                    findings.append(_finding(rule.id, rule.version, party, "complied", act.date,
                                             [act.id, answers[0].id], None, act.province, None))
                elif last < as_of:
                    findings.append(_finding(rule.id, rule.version, party, "unresolved", act.date, [act.id], None,
                                             act.province, None))
                else:
                    findings.append(_finding(rule.id, rule.version, party, "pending", act.date, [act.id], last,
                                             act.province, None))
    return findings, not_assessed


def _finding(rule_id: str, version: str, party: str, status: str, date: dt.date, evidence: List[str],
             due: Any, province: Any, anchor: Any) -> Dict[str, Any]:
    return {"rule": rule_id, "version": version, "party": party, "status": status, "date": date,
            "evidence": evidence, "due": due, "province": province, "anchor": anchor, "span_start": None,
            "prevent": True}
