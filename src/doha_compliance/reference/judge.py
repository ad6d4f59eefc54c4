"""An independent, plain-Python judge: everything a report concludes, from the rules and the events alone.

Why it exists: `reference.py` re-does only the MATCHING, and the durable_rules pipeline and the
reference then share the judging code (statuses, triggers, links, claims), so a bug there is
invisible to the engine-vs-reference law. This module judges again, written from the lead's
specification of issue 12 (notes/SPEC-12.md, its addendum included) and the documented behaviour
of reports before it — never from the pipeline's judging modules — as plainly as possible: whole
lists in memory, nested loops, no streaming, no spools, no indexes. It is obviously right rather
than fast; tests compare its
`reference_conclusions` with `pipeline_conclusions(report)` (the same canonical, JSON-able form).

What it shares with the pipeline, on purpose: the rule loader (models.Rule, as loaded), the
condition language (`conditions.matches`, `conditions.substitute_party`) and validated `Event`s.

Where the specification is silent or ambiguous, the decisions taken here are marked DECISION
below (the lead aligns the pipeline or the spec):
- DECISION (versions): a claimable rule and a not-triggered commitment are judged by the version in
  force on the report date, else the latest version that started before it, else the first. A
  started deadline is judged by the version in force on its due date (SPEC §5.15, issue 25,
  `amendments.py`): a version taking effect on or before the due day replaces it; one after an unmet
  due day that sets a later date adds a deadline judged on its own; links, claims and triggers read
  the first. Versions of a prohibited/conditional rule that start after the report date give nothing.
- DECISION (start): a commitment starts on the later of its trigger date and its first version's
  effective_from (a `{rule: R}` trigger can fall before the rule is in force); a deadline counted
  `from: trigger` counts from that start, and a fixed `due` before it becomes the start.
- DECISION (undertakings): a deadline rule without a date and with a `covered_by` that nothing in
  the input matches is not assessed (whether it was done cannot be told from missing data).
- DECISION (parts): a deadline's evidence is the union of its parts' counted events, in (date, id)
  order. An event without a value for `total_of` is not counted (nor evidence), as today.
- DECISION (stated justification on a prohibited act): ignored; only conditional acts can be
  `unresolved` (the status table says "a conditional act").
- DECISION (linked status date): a linked unit's status is taken at the end of the finding's date
  (addendum 1), but never beyond the report date (a pending deadline is dated after it):
  min(finding date, as_of); and a deadline is a breach in a link only once the report date is past
  its day, as its own finding says. Which links hold is read on the finding's date itself (the rule
  set says in advance when an amendment adds one).
- DECISION (linked since for not_triggered): null (the SPEC hesitates between null and the first
  effective_from; aligned with the pipeline).
- DECISION (linked, continuing units): a `missed` act (a non-obligation) is a default like a
  violation: the linked status is that finding's status, since its date.
- DECISION (links per version): a finding's links are its version's own `linked` plus every rule
  whose version on the finding's date lists its rule id — for a continuing rule the version in force
  that day (none: no link), for other kinds as above with that date for the report date (aligned
  with the pipeline); the parties of a linked rule are those of all its versions.
- DECISION (claims over unresolved acts): the claim cites the unresolved findings (the latest 20),
  as a contradicted claim cites the answering ones.
- DECISION (performed_by): every finding of a version with `performed_by` carries it, alleged
  findings included (their version is the rule the claim names, when in force).
- DECISION (defaults ties): same date: by rule id, then in report order.
- As before issue 12 (kept): an alleged finding's evidence is the claim, then the first evidence of
  each finding cited (an event both the claim and a cited act is listed twice); a claim's rule names
  the alleged finding's version when in force on the claim's date, else the claim rule's.
- SPEC 5.3 addendum 5 (issue 24): a deadline met late carries days_late (done - due); one of several
  parts carries parts_met/parts_total. A part not met that no event bears on (its `when` with the
  tests on numbers taken to hold, on or after the start: `part_has_evidence`) is not assessed; a
  deadline not done, its day passed, every other part met on or before its day, with such a part is
  not assessed as a whole (DECISION: neither violation nor met). Issue 26 (addendum 8): an undertaking,
  which has no day, is pending instead — no default can rest on the part nothing bears on.
- SPEC 5.3: a ceiling's evidence is every event counted until the total reached the ceiling; events
  past it are counted (the total and the reason show them), not cited.
- SPEC 5.9 (issue 24): an event nobody claimed justifies nothing; an act only such events would answer
  is unresolved, citing them (the latest three) after the act. Each unclaimed act is listed with the
  (rule, party) of each prohibited or conditional version in force that day whose when and scope hold
  with the actor read as the party (or as it is).
- SPEC 5.10 (issue 24): an act finding's episode -- its event's `episode` label, else one rule, party
  and status at one province (else place), acts at most 3 days apart, named by the first; else its own id.
- SPEC 5.13 (issue 25): on the act's day a justifier stated later than the act (both timed) does not count
  (the same minute does); `answers: actor` needs act.target == justifier.actor, never `unknown`; beyond a
  `magnitude` (act > max(at_most x the largest cited justifier's value, or_at_most), both stated) the act is
  unresolved citing them; on a timed effective_from's day an act stated earlier is outside the version
  (DECISION: one with no time is judged).
- Who says it (issue 24, SPEC §5.7): DECISION (monitor only, `about` only): an unresolved act
  becomes a violation (missed) only when an independent monitor's claim names it in `about`, accuses
  its party, is dated on or after it, and names its rule or none; its evidence is the act then the
  earliest 20 such reports. DECISION (oversight of the other side): independent. DECISION (concur):
  two distinct independent claimants of claims naming a claimable rule, counted over the input, make
  `supported`. A claim naming no rule is never `contradicted` (`not_testable`); a claim `about` events
  no rule judges is `outside_rules` (`uncorroborated` when none of them is in the input).
- SPEC 5.5 as rewritten for issue 24 (`coverage.py`, day by day): `complied` only over days a declared
  source (types ⊇ what covered_by, else when, names; a rule naming no type needs every agreement type;
  a source limited to provinces covers only a rule whose scope names provinces all within them) or an
  undisputed monitor's statement covers, less the days of bad acts; one finding per run, anchored
  `complied-<first day>`. DECISION (disputed statements): a statement with a bad act in its span
  covers nothing. DECISION (statements): never past the statement's own date. A unit with no run and
  no violation/missed is listed as not assessed.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import attrs

from doha_compliance.models import Agreement, Event, Rule, SourceCoverage
from doha_compliance.rules import conditions
from doha_compliance.rules.kinds import Kind, kind_of

from ._plain import (
    BAD_FOR_COMPLIED,
    MAX_CITED,
    MAX_JUSTIFIERS,
    UNKNOWN,
    _chosen_version,
    _finding_id,
    _in_force,
    _iso,
    _match,
    _offset,
    _owing,
    _report_order,
    _sorted,
    _version_by_name,
    _versions,
)
from .amendments import deadlines_of
from .answers import act_by, acts_match
from .claims import _about, assess, held_against, independent_of, owes, part_of, role_of
from .conclusions import pipeline_conclusions
from .confidence import finding_confidence
from .coverage import complied_spans
from .deadlines import fulfilled, part_has_evidence
from .links import defaults, links_of
from .places import as_if_inside, near
from .prevent import judge_prevent
from .readings import with_readings
from .steps import step_clock
from .verification import text as verification_text

__all__ = ["pipeline_conclusions", "reference_conclusions"]


class _Judge:
    """One evaluation; every list is whole, every search a loop."""

    def __init__(self, agreement: Agreement, events: Sequence[Event], as_of: dt.date,
                 sources: Sequence[SourceCoverage] = ()):
        self.agreement = agreement
        self.as_of = as_of
        self.known = {e.id for e in events}  # every id in the input, whatever its date (claims' `about`)
        self._claim_events: Optional[List[Tuple[Event, str]]] = None
        # what the inputs declare they record, cut at the report date (issue 24)
        self.sources = [attrs.evolve(s, end=min(s.end, as_of)) for s in sources if s.start <= as_of]
        # every evaluated event dated up to the report date, in (date, id) order
        self.seen: List[Event] = sorted((e for e in events if e.date <= as_of), key=lambda e: (e.date, e.id))
        self.first_day = self.seen[0].date if self.seen else None
        self.last_day = self.seen[-1].date if self.seen else None
        self.deadline_states: Dict[Tuple[str, str], Dict[str, Any]] = {}
        self.findings: List[Dict[str, Any]] = []
        self.not_assessed: List[Dict[str, Any]] = []
        self.claims: List[Dict[str, Any]] = []
        self.continuing: Dict[Tuple[str, str], Dict[str, Any]] = {}  # (rule id, party) -> what links need

    # --- triggers ------------------------------------------------------------

    def trigger_date(self, rule: Rule, party: str) -> Optional[dt.date]:
        """T for a version and party (SPEC §5.2); None when it has not happened by the report date."""
        first = _versions(self.agreement, rule.id)[0]
        sw = rule.starts_when
        if sw is None:  # from the first version on (a later version's own window bounds its acts)
            return first.effective_from
        return self._happened(sw, party, first.effective_from)

    def _happened(self, trigger: Any, party: str, since: dt.date) -> Optional[dt.date]:
        """The day a starts_when / ends_when happened for the party (SPEC §5.17, issue 26): all of its
        forms -- the last one's day; any of them -- the first's; None: not by the report date."""
        days: List[Optional[dt.date]] = []
        for form in (trigger.all_of or trigger.any_of or (trigger,)):
            day: Optional[dt.date] = None
            if form.rule is not None:
                dates = []
                owing = _owing(self.agreement, form.rule)
                # SPEC §5.17 (issue 26): a party owing R too starts on its own fulfilment of R (or the stated party's)
                for p in ([form.party] if form.party else [party] if party in owing else owing):
                    state = self.deadline(form.rule, p)
                    if state["status"] != "not_assessed" and state["done"] is not None:
                        dates.append(state.get("established") or state["done"])  # §5.12: once verified
                day = min(dates) if dates else None
            else:
                assert form.when is not None  # a trigger names a rule or an event (the loader's schema)
                day = next((e.date for e in self.seen if e.date >= since and _match(form.when, party, e)), None)
            days.append(day)
        if trigger.any_of:
            return min((d for d in days if d is not None), default=None)
        known = [d for d in days if d is not None]
        return max(known) if len(known) == len(days) else None

    def end_date(self, rule: Rule, party: str) -> Optional[dt.date]:
        """The day the commitment ended (ends_when, SPEC §5.17), or None: it holds that day, not after."""
        if rule.ends_when is None:
            return None
        return self._happened(rule.ends_when, party, _versions(self.agreement, rule.id)[0].effective_from)

    def trigger_unassessable(self, rule: Rule, party: str) -> bool:
        """Starts when R is fulfilled, and no unit of R can be assessed (the party's own, when it owes R
        too: SPEC §5.17): whether it started cannot be told from missing data (SPEC addendum 4)."""
        sw = rule.starts_when
        if sw is None:
            return False
        for form in (sw.all_of or sw.any_of or (sw,)):  # issue 26: any rule an all/any start waits for
            if form.rule is None:
                continue
            owing = _owing(self.agreement, form.rule)
            if all(self.deadline(form.rule, p)["status"] == "not_assessed"
                   for p in ([form.party] if form.party else [party] if party in owing else owing)):
                return True
        return False

    def start(self, rule: Rule, party: str) -> Optional[dt.date]:
        """The day the commitment starts for the party (DECISION: the later of the trigger and the
        first version's effective_from), or None if it has not started by the report date."""
        first = _versions(self.agreement, rule.id)[0]
        t = self.trigger_date(rule, party)
        if t is None:
            return None
        s = max(t, first.effective_from)
        return s if s <= self.as_of else None

    # --- deadlines -----------------------------------------------------------

    def deadline(self, rule_id: str, party: str) -> Dict[str, Any]:
        key = (rule_id, party)
        if key not in self.deadline_states:
            self.deadline_states[key] = self._judge_deadline(rule_id, party)
        return self.deadline_states[key]

    def _judge_deadline(self, rule_id: str, party: str) -> Dict[str, Any]:
        """The first deadline of the commitment (what links, claims and triggers read), with the
        deadlines amendments re-opened after it lapsed in state["later"] (SPEC §5.15)."""
        rule = _chosen_version(self.agreement, rule_id, self.as_of)
        start = self.start(rule, party)
        if start is None:
            return self._deadline_state(rule, party, None, [], [])

        end = self.end_date(rule, party)
        seen = [e for e in self.seen if end is None or e.date <= end]  # SPEC §5.17: nothing after its end counts

        def met_on(version: Rule) -> Optional[dt.date]:
            return fulfilled(version, party, start, seen)[0]
        found = [self._deadline_state(version, party, start, texts, events)
                 for version, texts, events in deadlines_of(self.agreement, rule_id, start, self.as_of, met_on,
                                                            lambda i: i in self.known)]
        found[0]["later"] = found[1:]
        return found[0]

    def _deadline_state(self, rule: Rule, party: str, start: Optional[dt.date], amended: List[str],
                        amending: List[str]) -> Dict[str, Any]:
        first = _versions(self.agreement, rule.id)[0]
        state: Dict[str, Any] = {"rule": rule, "first": first, "start": None, "due": None, "done": None,
                       "evidence": [], "status": "not_triggered", "date": self.as_of, "amended": amended,
                       "amending": amending}
        if start is None:
            if self.trigger_unassessable(rule, party):
                state["status"] = "not_assessed"
            return state
        state["start"] = start
        verified: Dict[int, Dict[str, Any]] = {}  # SPEC §5.12: each verified part's state
        end = self.end_date(rule, party)
        seen = [e for e in self.seen if end is None or e.date <= end]  # SPEC §5.17: nothing after its end counts
        done, state["evidence"], part_done = fulfilled(rule, party, start, seen, self.agreement, verified)
        state["done"] = done
        if done is not None:  # a verified part is known done on its verification's day
            state["established"] = max(verified[i]["verification"].date if i in verified else part_done[i]
                                       for i in range(len(part_done)))  # type: ignore[type-var]
        state["context"] = [st["declaration"].id for st in verified.values() if st["state"] == "verified"
                            and st["verification"].id != st["declaration"].id]
        several = len(rule.fulfilments) > 1
        state["parts_met"] = sum(1 for d in part_done if d is not None) if several else None
        state["parts_total"] = len(part_done) if several else None
        # the deadline day
        due = None
        if rule.due_after_trigger is not None:
            days, months = rule.due_after_trigger
            due = _offset(start, days, months)
        elif rule.due is not None:
            due = max(rule.due, start)  # a party cannot default before its commitment starts
        step = step_clock(rule, party, self.deadline, self.as_of)  # SPEC §5.17 (issue 26)
        if step is not None:
            if step["due"] is None and done is None:  # its clock has not started: waiting (or unknown)
                state.update(start=None, done=None, evidence=[],
                             status="not_assessed" if step["unknown"] else "not_triggered")
                return state
            due = None if step["due"] is None else max(step["due"], start)
            state["clock"] = step["label"]
        if end is not None and done is None and (due is None or due > end):
            state["status"] = "not_assessed"  # SPEC §5.17: it ended before it fell due, not met: no default
            return state
        state["anchor_day"] = due  # the text's day names it, wherever a dependence moves it (SPEC §5.14)
        state["part_done"] = part_done
        prevented, since, shift = self._dependence(rule, due, done, part_done, state)
        if due is not None and shift > 0:
            due = due + dt.timedelta(days=shift)
        state["due"] = due
        if verified:
            words = [verification_text(self.agreement, rule.fulfilments[i], st, due, self.as_of, party)
                     for i, st in sorted(verified.items())]
            if several:
                words = [f"{rule.fulfilments[i].label or f'part {i + 1}'}: {w}" for i, w in zip(sorted(verified), words,
                                                                                              strict=True)]
            joined = "; ".join(words)
            state["verification"] = joined[:1].upper() + joined[1:]
        if done is not None or not prevented:
            pass
        elif not (state["per_part"] and due is not None and self.as_of > due and any(
                d is None or d > due for i, d in enumerate(part_done) if i not in prevented
                # SPEC §5.14 with §5.12: a part declared by its day and not yet verified is not shown unmet
                and not (i in verified and verified[i]["state"] == "declared"
                         and verified[i]["declaration"].date <= due))):
            # SPEC §5.14: not done, and (every part it still owes) cannot be performed: prevented, never a breach
            state.update(status="prevented", date=self.as_of, days_late=None, prevented_since=max(start, since))
            return state
        # SPEC 5.3: an event bearing on it must fall in its own time (on or after its start)
        # ... or a fulfilling event counted from its start (issue 24: its past months keep their progress)
        covered = (rule.covered_by is None or bool(state["evidence"])
                   or any(st["state"] != "none" for st in verified.values())  # a declaration bears on it
                   or any(e.date >= start and _match(rule.covered_by, party, e) for e in self.seen))
        if not covered and (due is None or self.as_of > due):
            # nothing bears on it: a missed date (or, with no date, whether it was done at all) cannot
            # be told from missing data (DECISION, aligned with the pipeline: an undertaking is never
            # "still pending" for this purpose)
            state["status"] = "not_assessed"
            return state
        state["days_late"] = (done - due).days if done is not None and due is not None and done > due else None
        # SPEC 5.3 addendum 5: a part of several that no event bears on (and not met) is not assessed;
        # not done, its day passed, every other part met on time: the whole is not assessed
        # issue 26 (SPEC §5.3 addendum 8): an undertaking has no day to pass: pending, never not assessed for a part
        if several and done is None and due is not None and self.as_of > due:
            no_evidence = [i for i, part in enumerate(rule.fulfilments) if i not in prevented
                           and part_done[i] is None and not part_has_evidence(part, party, start, self.seen)]
            others_on_time = all(reached is not None and (due is None or reached <= due)
                                 for i, reached in enumerate(part_done) if i not in no_evidence and i not in prevented)
            if no_evidence and others_on_time:
                state["status"] = "not_assessed"
                return state
        if due is None:  # an undertaking with no date: met once done, else pending, never a violation
            state["status"], state["date"] = ("met", done) if done is not None else ("pending", self.as_of)
            return state
        if done is not None and done <= due:
            state["status"], state["date"] = "met", done
        elif self.as_of <= due:
            state["status"], state["date"] = "pending", due
        elif done is None and verified and all(
                (i in verified and verified[i]["state"] == "declared" and verified[i]["declaration"].date <= due)
                if reached is None else reached <= due for i, reached in enumerate(part_done)):
            # SPEC §5.12: declared on time, not verified: the input cannot settle it
            state["status"], state["date"] = "unresolved", due
        else:
            state["status"] = "violation" if rule.modality == "obligation" else "missed"
            state["date"] = due
        return state

    def _dependence(self, rule: Rule, due: Optional[dt.date], done: Optional[dt.date],
                    part_done: List[Optional[dt.date]], state: Dict[str, Any]) -> Tuple[Set[int], dt.date, int]:
        """SPEC §5.14 (issue 25), depends_on: (the parts that cannot be performed — every part unless the
        dependence is part by part —, since when, the days the day moves). A deadline R blocks when it has
        a day on or before this one's and is in default (violation, missed) or itself prevented; its delay
        runs from its day to the day it was done, else (this one done first) to the day this one was;
        part by part (both several parts, labels shared), each shared label's counterpart alone."""
        prevented: Set[int] = set()
        since = dt.date.max
        shift = 0
        state["blocked_by"], state["per_part"] = [], False
        for dep in rule.depends_on:
            owner = dep.party if dep.party is not None else _owing(self.agreement, dep.rule)[0]
            other = self.deadline(dep.rule, owner)
            if other["status"] in ("not_assessed", "not_triggered") or other["due"] is None:
                continue
            if due is not None and other["due"] > due:
                continue  # this one fell due first
            blocking = other["status"] in ("violation", "missed", "prevented")
            stopped: Set[int] = set()
            # a part's counterpart: the same place (parts of `places:`), else the same label
            theirs = {part.place or part.label: other["part_done"][j]
                      for j, part in enumerate(other["rule"].fulfilments) if part.place or part.label}
            shared = [i for i, part in enumerate(rule.fulfilments) if (part.place or part.label) in theirs]
            if len(rule.fulfilments) > 1 and len(other["rule"].fulfilments) > 1 and shared:
                state["per_part"] = True
                for i in shared:
                    end = theirs[rule.fulfilments[i].place or rule.fulfilments[i].label] or part_done[i]
                    if end is None:
                        if blocking:
                            stopped.add(i)
                    else:
                        shift = max(shift, (end - other["due"]).days)
            else:
                end = other["done"] if other["done"] is not None else done
                if end is None:
                    if blocking:
                        stopped = set(range(len(rule.fulfilments)))
                else:
                    shift = max(shift, (end - other["due"]).days)
            if stopped:
                prevented |= stopped
                state["blocked_by"].append(f"{dep.rule}/{owner}/{other['anchor_day'].isoformat()}")
                since = min(since, other["due"])
        return prevented, since, shift

    def judge_deadlines(self) -> None:
        for rule_id in sorted({r.id for r in self.agreement.rules if kind_of(r).deadline}):
            for party in _chosen_version(self.agreement, rule_id, self.as_of).parties:
                first_state = self.deadline(rule_id, party)
                for state in [first_state] + first_state.get("later", []):
                    rule = state["rule"]
                    if state["status"] == "not_assessed":
                        self.not_assessed.append({"rule": rule_id, "version": rule.version, "party": party})
                        continue
                    due = state["due"] if state["status"] != "not_triggered" else None
                    evidence = state["evidence"] if state["status"] != "not_triggered" else []
                    named = state.get("anchor_day")  # a prevented deadline keeps the text's day (issue 25)
                    anchor = named.isoformat() if named is not None else "undated"
                    f = self.add(rule, party, state["status"], state["date"], evidence, due=due, anchor=anchor)
                    if state["status"] != "not_triggered":
                        f.update(days_late=state["days_late"], parts_met=state["parts_met"],
                                 parts_total=state["parts_total"], blocked_by=state["blocked_by"],
                                 verification=state.get("verification"), context=state.get("context", []),
                                 amended=state["amended"], clock=state.get("clock"))

    # --- continuing commitments (prohibited, conditional) --------------------

    def judge_continuing(self) -> None:
        rule_ids = sorted({r.id for r in self.agreement.rules if kind_of(r).continuing})
        for rule_id in rule_ids:
            chosen = _chosen_version(self.agreement, rule_id, self.as_of)
            for party in chosen.parties:
                self.continuing[(rule_id, party)] = {"start": None, "periods": [], "assessable": True}
                start = self.start(chosen, party)
                if start is None and self.trigger_unassessable(chosen, party):
                    self.continuing[(rule_id, party)]["assessable"] = False
                    self.not_assessed.append({"rule": rule_id, "version": chosen.version, "party": party})
                    continue
                if start is None:
                    self.add(chosen, party, "not_triggered", self.as_of, [])
                    continue
                self.continuing[(rule_id, party)]["start"] = start
                for version in _versions(self.agreement, rule_id):
                    if party in version.parties and version.effective_from <= self.as_of:
                        self._judge_version(version, party)

    def _judge_version(self, rule: Rule, party: str) -> None:
        t = self.trigger_date(rule, party)
        if t is None or t > self.as_of:
            return
        until = rule.effective_until
        ended = self.end_date(rule, party)  # SPEC §5.17 (issue 26): no act after the commitment ended is judged
        unit_findings: List[Dict[str, Any]] = []
        for act in self.seen:
            if act.date < rule.effective_from or (until is not None and act.date > until) or act.date < t:
                continue
            if ended is not None and act.date > ended:
                continue
            # issue 25 (SPEC §5.13): on its first day, a version that took effect at a time judges no act
            # stated to be earlier (an act with no time that day is judged)
            if act.date == rule.effective_from and rule.effective_from_time and act.extra.get("time") \
                    and act.extra["time"] < rule.effective_from_time:
                continue
            if act.actor == UNKNOWN:  # an unclaimed act is never a party's finding (SPEC §5.1)
                continue
            # SPEC §5.16 (acts the party answers for) and §8 (an act of unknown location is not outside)
            if not acts_match(self.agreement, rule.when, party, act) and not self._location_unknown(rule, party, act):
                continue
            if rule.scope and not _match(rule.scope, party, act):
                continue
            judged = self._judge_act(rule, party, act)
            judged["act_by"] = act_by(self.agreement, party, act)
            judged["act"] = act  # for its episode (SPEC §5.10)
            unit_findings.append(judged)
        # complied only over the spans a declared source or a monitor's statement covers (SPEC §5.5, issue 24)
        begin = max(rule.effective_from, t)
        end = min(until or self.as_of, self.as_of, ended or self.as_of)
        if begin > end:
            return
        bad_days = [f["date"] for f in unit_findings if f["status"] in BAD_FOR_COMPLIED]
        spans, _ = complied_spans(self.agreement, rule, party, begin, end, self.sources, self.seen, bad_days)
        for span in spans:
            self.continuing[(rule.id, party)]["periods"].append(span["start"])
            self.add(rule, party, "complied", span["end"], span["evidence"], span_start=span["start"])
        if not spans and not any(f["status"] in ("violation", "missed") for f in unit_findings):
            self.not_assessed.append({"rule": rule.id, "version": rule.version, "party": party})

    def type_in_doubt(self, rule: Rule, party: str, act: Event) -> bool:
        """SPEC §7.3: the act may be another type (`type_uncertain`) that this rule would not judge."""
        for other in act.extra.get("type_uncertain") or []:
            as_other = Event(id=act.id, date=act.date, type=other, actor=act.actor, target=act.target,
                             province=act.province, place=act.place, location_kind=act.location_kind,
                             fatalities=act.fatalities, wounded=act.wounded, count=act.count, accused=act.accused,
                             rule=act.rule, source=act.source, description=act.description,
                             stated_justification=act.stated_justification, extra=act.extra)
            judged = (acts_match(self.agreement, rule.when, party, as_other)
                      and (not rule.scope or _match(rule.scope, party, as_other)))
            if not judged:
                return True
        return False

    def _location_unknown(self, rule: Rule, party: str, act: Event) -> bool:
        """SPEC §8 with §5.12: the act's location is unknown, and only that keeps the rule's `when` (read
        with the party's bond, whose `where` is read the same way) from judging it."""
        if not act.extra or act.extra.get("located_by") != "unknown":
            return False
        return (not acts_match(self.agreement, rule.when, party, act)
                and acts_match(self.agreement, rule.when, party, as_if_inside(act)))

    def _judge_act(self, rule: Rule, party: str, act: Event) -> Dict[str, Any]:
        in_doubt = self.type_in_doubt(rule, party, act) or self._location_unknown(rule, party, act)  # §7.3, §8
        if not kind_of(rule).justifiable:
            if in_doubt:  # SPEC §7.3: doubt about coding never makes a breach; §8: nor an unknown location
                return self._unresolved(rule, party, act, [act.id])
            status = rule.status
            if status == "violation" and rule.modality != "obligation":
                status = "missed"
            return self.add(rule, party, status, act.date, [act.id], province=act.province)
        jb = rule.justified_by
        assert jb is not None
        justifiers = []
        for j in self.seen:
            if j.id == act.id or not (act.date - dt.timedelta(days=jb.within_days) <= j.date <= act.date):
                continue
            if not _match(jb.when, party, j):
                continue
            if not all(act.get(f) not in (None, "") and j.get(f) not in (None, "") and str(act.get(f)) == str(j.get(f))
                       for f in jb.same):
                continue
            # issue 25 (SPEC §5.13): the same day, a justifier stated to be later than the act does not count
            if j.date == act.date and act.extra.get("time") and j.extra.get("time") and j.extra["time"] > act.extra["time"]:
                continue
            # issue 25: `answers: actor` -- the act aimed at the justifier's actor, never at nobody
            if jb.answers == "actor" and (j.actor == UNKNOWN or act.target is None or act.target != j.actor):
                continue
            if jb.within_km is not None and not near(act, j, jb.within_km):  # issue 25, SPEC §8
                continue
            justifiers.append(j)
        # SPEC §5.9 (issue 24): an event nobody claimed justifies no party's act; an act only such events
        # would answer is unresolved, citing them (the latest three) after the act
        nobodys = [j for j in justifiers if j.actor == UNKNOWN]
        justifiers = [j for j in justifiers if j.actor != UNKNOWN]
        if not justifiers and nobodys:
            latest = sorted(nobodys, key=lambda j: (j.date, j.id))[-MAX_JUSTIFIERS:]
            return self._unresolved(rule, party, act, [act.id] + [j.id for j in latest])
        if justifiers:
            latest = sorted(justifiers, key=lambda j: (j.date, j.id))[-MAX_JUSTIFIERS:]
            # issue 25 (SPEC §5.13): a stated proportion, weighed against the cited justifier of the largest
            # value; beyond it the act is unresolved (justified in time, not in measure); a missing value weighs nothing
            mag = jb.magnitude
            if mag is not None and act.get(mag.field) is not None:
                values = [j.get(mag.field) for j in latest if j.get(mag.field) is not None]
                if values and act.get(mag.field) > max(mag.at_most * max(values), mag.or_at_most):
                    return self._unresolved(rule, party, act, [act.id] + [j.id for j in latest])
            return self.add(rule, party, "justified", act.date, [act.id] + [j.id for j in latest],
                            province=act.province)
        if in_doubt:
            return self._unresolved(rule, party, act, [act.id])
        if (act.stated_justification or "").strip():
            return self._unresolved(rule, party, act, [act.id])
        status = rule.status  # a rule's own `status` for an unjustified act, as for a prohibited act
        if status == "violation" and rule.modality != "obligation":
            status = "missed"
        return self.add(rule, party, status, act.date, [act.id], province=act.province)

    def _unresolved(self, rule: Rule, party: str, act: Event, evidence: List[str]) -> Dict[str, Any]:
        """An act the input cannot settle — whatever the reason (a stated justification, only unclaimed
        justifiers, an uncertain type) — unless an independent monitor's report `about` it names it
        as a breach (SPEC §5.7.3): then a violation (missed), citing the earliest reports."""
        reports = sorted((r for r, accused in self.claim_events()
                          if act.id in _about(r) and accused in (party, act_by(self.agreement, party, act)) and r.date >= act.date
                          and role_of(self.agreement, r.actor) == "monitor"
                          and independent_of(self.agreement, r.actor, party)
                          and (r.rule is None or r.rule == rule.id)), key=lambda r: (r.date, r.id))
        if reports:
            status = "violation" if rule.modality == "obligation" else "missed"
            return self.add(rule, party, status, act.date, evidence + [r.id for r in reports[:MAX_CITED]],
                            province=act.province)
        return self.add(rule, party, "unresolved", act.date, evidence, province=act.province)

    # --- claimable -----------------------------------------------------------

    def judge_claimable(self) -> None:
        for rule_id in sorted({r.id for r in self.agreement.rules if kind_of(r).through_claims}):
            rule = _chosen_version(self.agreement, rule_id, self.as_of)
            for party in rule.parties:
                if self.start(rule, party) is None and not self.trigger_unassessable(rule, party):
                    self.add(rule, party, "not_triggered", self.as_of, [])
                else:
                    self.not_assessed.append({"rule": rule_id, "version": rule.version, "party": party})

    # --- claims ----------------------------------------------------------------

    def claim_events(self) -> List[Tuple[Event, str]]:
        """Every claim in the input up to the report date, once, with the party it accuses (worked out
        once, kept)."""
        if self._claim_events is not None:
            return self._claim_events
        out: List[Tuple[Event, str]] = []
        for rule in self.agreement.rules:
            if not kind_of(rule).claim:
                continue
            for party in rule.parties:
                for e in self.seen:
                    if e.date < rule.effective_from or (rule.effective_until and e.date > rule.effective_until):
                        continue
                    if _match(rule.when, party, e) and e.get(rule.accused_field) \
                            and all(e.id != other.id for other, _ in out):
                        out.append((e, str(e.get(rule.accused_field))))
        self._claim_events = out
        return out

    def judge_claims(self) -> None:
        judged = sorted(self.findings, key=_report_order)  # the findings claims are set against
        kinds = {r.id: kind_of(r) for r in self.agreement.rules}
        for rule in sorted((r for r in self.agreement.rules if kind_of(r).claim), key=lambda r: r.version):
            for party in rule.parties:
                for e in self.seen:
                    if e.date < rule.effective_from or (rule.effective_until and e.date > rule.effective_until):
                        continue
                    if not _match(rule.when, party, e) or not e.get(rule.accused_field):
                        continue
                    self._weigh(rule, e, str(e.get(rule.accused_field)), judged, kinds)

    def _weigh(self, claim_rule: Rule, e: Event, accused: str, judged: List[Dict[str, Any]], kinds: Dict[str, Kind]) -> None:
        named = e.rule
        assessment, cited, supported = assess(self.agreement, claim_rule, e, accused, judged, kinds,
                                              self.claim_events(), self.known)
        role = role_of(self.agreement, e.actor)
        self.claims.append({"event": e.id, "accused": accused, "rule": named, "assessment": assessment,
                            "claimant_role": role, "findings": [_finding_id(f) for f in cited],
                            "independent": independent_of(self.agreement, e.actor, accused),
                            "claimant_part_of": part_of(self.agreement, e.actor), "about": _about(e),
                            "supported_by": supported})
        if role in ("monitor", "oversight", "media") or assessment == "corroborated":
            return  # a third party's report is no party's allegation
        if named is not None and not owes(self.agreement, named, held_against(self.agreement, accused, named)):
            named = None  # issue 26: not "owed by" the accused under a rule it (or its answerer) does not owe
        in_force = [r for r in _versions(self.agreement, named) if _in_force(r, e.date)] if named else []
        version = in_force[0] if in_force else claim_rule
        # the claim, then the first evidence of each finding it is set against (as today: an event that is
        # both the claim and a cited act is listed twice)
        evidence = [e.id] + [f["evidence"][0] for f in cited if f["evidence"]]
        owner = held_against(self.agreement, accused, named)  # SPEC §5.16: never "owed by" an answered-for actor
        alleged = self.add(version, owner, "alleged", e.date, evidence, rule_id=named or claim_rule.id,
                           province=e.province)
        if owner != accused:
            alleged["act_by"] = accused

    # --- findings, links, defaults -------------------------------------------

    def add(self, rule: Rule, party: str, status: str, date: dt.date, evidence: List[str],
            due: Optional[dt.date] = None, province: Optional[str] = None, rule_id: Optional[str] = None,
            anchor: Optional[str] = None, span_start: Optional[dt.date] = None) -> Dict[str, Any]:
        if status == "not_triggered":
            anchor = "not-triggered"
        elif status == "complied":  # issue 24: one finding per span, named by its first day
            assert span_start is not None
            anchor = f"complied-{span_start}" if rule.amends is None else f"complied-{rule.version}-{span_start}"
        f = {"rule": rule_id or rule.id, "version": rule.version, "party": party, "status": status, "date": date,
             "evidence": list(evidence), "due": due, "province": province, "anchor": anchor,
             "span_start": span_start}
        self.findings.append(f)
        return f

    def status_on(self, rule_id: str, party: str, day: dt.date) -> Tuple[str, Optional[dt.date]]:
        """A linked unit's status on a day, and since when (SPEC §5.6)."""
        versions = _versions(self.agreement, rule_id)
        first = versions[0]
        kind = kind_of(first)
        if kind.deadline:
            state = self.deadline(rule_id, party)
            start, due, done = state.get("start"), state.get("due"), state.get("done")
            if start is not None and day < start:  # before it started: not triggered, assessed or not
                return "not_triggered", None
            if state["status"] == "not_assessed":
                return "not_assessed", None
            if start is None:
                return "not_triggered", None
            if done is not None and done <= day and (due is None or done <= due):
                return "met", done
            if state["status"] == "prevented" and day >= state["prevented_since"]:  # SPEC §5.14
                return "prevented", state["prevented_since"]
            # told at the end of the day (addendum 1): on the deadline day itself, unmet, it is a breach
            # -- once the report date is past that day (DECISION: a report as of D calls D pending)
            if due is not None and day >= due and self.as_of > due:
                if state["status"] == "unresolved":  # SPEC §5.12: declared, not verified
                    return "unresolved", due
                return ("violation" if state["rule"].modality == "obligation" else "missed"), due
            return "pending", start
        if kind.continuing:
            unit = self.continuing.get((rule_id, party))
            if unit is not None and not unit["assessable"]:
                return "not_assessed", None
            if unit is None or unit["start"] is None or day < unit["start"]:
                return "not_triggered", None
            for statuses in (("violation", "missed"), ("unresolved",)):  # addendum 2
                earlier = sorted((f for f in self.findings if f["rule"] == rule_id and f["party"] == party
                                  and f["status"] in statuses and f["date"] <= day), key=_report_order)
                if earlier:
                    return earlier[0]["status"], earlier[0]["date"]
            begun = sorted(p for p in unit["periods"] if p <= day)
            if begun:
                return "complied", begun[0]
            return "not_assessed", None
        if kind.through_claims:
            chosen = _chosen_version(self.agreement, rule_id, self.as_of)
            start = self.start(chosen, party)
            if start is None and self.trigger_unassessable(chosen, party):
                return "not_assessed", None
            if start is None or day < start:
                return "not_triggered", None
            return "not_assessed", None
        return "not_assessed", None  # a claim rule owes nothing of its own

    def linked(self, f: Dict[str, Any]) -> List[Dict[str, Any]]:
        version = _version_by_name(self.agreement, f["version"])
        day = min(f["date"], self.as_of)  # what the input shows, never past the report date
        out = []
        for other in links_of(self.agreement, version, f["date"]):  # the rules say in advance which links hold when
            for party in _owing(self.agreement, other):
                status, since = self.status_on(other, party, day)
                out.append({"rule": other, "party": party, "status": status, "since": _iso(since)})
        return out

    # --- episodes (SPEC §5.10, issue 24) ------------------------------------------

    def episodes(self) -> None:
        """Every act finding's episode: its event's `episode` label (rule/party/episode:<label>); else
        the acts of one rule, party and status at one province (else place), in (date, act id) order,
        each at most 3 days after the one before, named by the first one's id; else its own id."""
        acts = sorted((f for f in self.findings if "act" in f), key=lambda f: (f["date"], f["act"].id))
        last: Dict[Tuple[str, str, str, str], Dict[str, Any]] = {}
        for f in acts:
            act = f["act"]
            label = act.extra.get("episode")
            place = act.province or act.place
            if label:
                f["episode"] = f"{f['rule']}/{f['party']}/episode:{label}"
            elif not place:
                f["episode"] = _finding_id(f)
            else:
                key = (f["rule"], f["party"], f["status"], place)
                before = last.get(key)
                if before is not None and (f["date"] - before["date"]).days <= 3:
                    f["episode"] = before["episode"]
                else:
                    f["episode"] = _finding_id(f)
                last[key] = f

    # --- acts nobody claimed (SPEC §5.9, issue 24) -----------------------------------

    def unattributed(self) -> List[Dict[str, Any]]:
        """Each unclaimed act with the (rule, party) pairs of prohibited or conditional versions in force
        on its day whose when and scope hold were that party its actor."""
        out = []
        for e in self.seen:
            if e.actor != UNKNOWN:
                continue
            bears = set()
            # SPEC §5.16 (issue 25): an unclaimed act a duty to prevent names bears on that duty and nothing else
            for rule in self.agreement.rules:
                if kind_of(rule).prevents and _in_force(rule, e.date):
                    for party in rule.parties:
                        if _match(rule.when, party, e) and (not rule.scope or _match(rule.scope, party, e)):
                            bears.add((rule.id, party))
            for rule in self.agreement.rules if not bears else ():  # none when a duty to prevent names it
                if not kind_of(rule).continuing or not _in_force(rule, e.date):
                    continue
                for party in rule.parties:
                    def as_party(name: str, e: Event = e, party: str = party) -> Any:
                        return party if name == "actor" else e.get(name)
                    conds = [rule.when] + ([rule.scope] if rule.scope else [])
                    if (all(conditions.matches(conditions.substitute_party(c, party), as_party) for c in conds)
                            or all(_match(c, party, e) for c in conds)):  # a rule naming `unknown` itself
                        bears.add((rule.id, party))
            out.append({"event": e.id, "bears_on": [{"rule": r, "party": p} for r, p in sorted(bears)]})
        return out

    def run(self) -> Dict[str, Any]:
        self.judge_deadlines()
        self.judge_continuing()
        self.judge_claimable()
        found, unassessed = judge_prevent(self.agreement, self.seen, self.as_of)  # SPEC §5.16 (issue 25)
        self.findings.extend(found)
        self.not_assessed.extend(unassessed)
        self.judge_claims()
        self.episodes()
        findings = []
        for f in self.findings:
            version = _version_by_name(self.agreement, f["version"])
            level, reasons = finding_confidence(f, self.seen)  # SPEC §7
            findings.append({
                "id": _finding_id(f), "rule": f["rule"], "version": f["version"], "party": f["party"],
                "status": f["status"], "date": f["date"].isoformat(), "evidence": list(f["evidence"]),
                "due": _iso(f["due"]), "linked": self.linked(f), "performed_by": list(version.performed_by),
                "span_start": _iso(f["span_start"]),
                "days_late": f.get("days_late"), "parts_met": f.get("parts_met"), "parts_total": f.get("parts_total"),
                "confidence": level, "confidence_reasons": reasons,
                "episode": f.get("episode"),
                **({"amended": list(f["amended"])} if f.get("amended") else {}),
                "blocked_by": list(f.get("blocked_by") or []),
                **({"verification": f["verification"]} if f.get("verification") else {}),
                **({"act_by": f["act_by"]} if f.get("act_by") else {}),
                **({"clock": f["clock"]} if f.get("clock") else {}),
            })
        return {
            "findings": _sorted(findings),
            "claims": _sorted(self.claims),
            "not_assessed": _sorted(self.not_assessed),
            "defaults": defaults(self.agreement, self.findings),
            "coverage": {"first": _iso(self.first_day), "last": _iso(self.last_day),
                         "unattributed": sum(1 for e in self.seen if e.actor == UNKNOWN)},
            "unattributed": self.unattributed(),
        }


def reference_conclusions(agreement: Agreement, events: Sequence[Event], as_of: dt.date,
                          coverage: Sequence[SourceCoverage] = ()) -> Dict[str, Any]:
    """Everything a report concludes, in a canonical, JSON-able form (reasons are free text: left out).

    `events` are validated `Event`s (e.g. from `api.collect`); those dated after `as_of` are ignored.
    `coverage`: what the sources declare they record systematically (issue 24)."""
    def judge(read: Agreement) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
        one = _Judge(read, events, as_of, coverage)
        return one.run(), one.findings
    if agreement.readings:
        return with_readings(agreement, judge(agreement)[0], judge)
    return _Judge(agreement, events, as_of, coverage).run()


