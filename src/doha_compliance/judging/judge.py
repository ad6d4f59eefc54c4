"""Matches -> findings and claims: the statuses, and a one-sentence reason for each.

This is where time is decided (deadlines against `as_of`, windows in days), in
plain date arithmetic on event dates: never the wall clock.

Judging follows the stream (`Judge`): a day's hits are judged as soon as the engine
has seen the day, and their findings go to a `Spool` (on disk past a limit), so
memory does not grow with the stream. What a commitment means is decided in small
modules: `triggers` (when it starts), `deadlines` (met, pending, missed, violated),
`continuing` (complied), `links` (linked commitments, who defaulted first) and
`claims` (accusations beside the evidence). Deadlines, compliance and links need the
whole stream and the report date, so they are decided at the end; claims are then set
beside the findings in one more ordered pass, which also writes each finding's links.
"""
from __future__ import annotations

import datetime as dt
import heapq
from typing import (
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
)

import attrs

from doha_compliance._util.spool import (
    INDEXED_PACKER,
    PACK_FINDING,
    Spool,
    events_spool,
    findings_spool,
    indexed_events_spool,
    merged_events,
    spill_run,
)
from doha_compliance._util.stream import Held
from doha_compliance.errors import ComplianceError
from doha_compliance.matching.matches import Matches, Unit
from doha_compliance.models import Agreement, Claim, Event, Finding, NotAssessed, Rule, SourceCoverage, denial
from doha_compliance.rules import answers
from doha_compliance.rules.kinds import kind_of
from doha_compliance.rules.kinds.level import SeriesRow
from doha_compliance.rules.kinds.level_judge import LevelJudge

from . import amended, carveouts, coding, confidence, continuing, deadlines, dependence, links, location, reports, steps
from .claims import set_claims
from .continuing import Continuing
from .coverage import statement_of
from .deadlines import Deadline, PartProgress, Progress
from .episodes import Episodes
from .links import DefaultGroup, Linker
from .prevent import Prevent
from .triggers import Triggers, order
from .verification import Verifications

FINDINGS_RUN = 20_000  # a day's findings held in memory before they are sorted in runs on disk


class _DayFindings:
    """A day's findings, handed on in sort order: past `FINDINGS_RUN` of them they are sorted in runs
    on disk and merged (issue 23: a day of a million violations is not held whole)."""

    def __init__(self) -> None:
        self._memory: List[Finding] = []
        self._runs: List[Spool[Finding]] = []

    def append(self, finding: Finding) -> None:
        self._memory.append(finding)
        if len(self._memory) >= FINDINGS_RUN:
            self._memory.sort(key=_finding_key)
            try:
                self._runs.append(spill_run(self._memory, PACK_FINDING, f"sort the findings of a day (past "
                                            f"{FINDINGS_RUN:,} they are sorted in runs on disk)"))
            except ComplianceError:
                self.close()
                raise
            self._memory = []

    def drain_into(self, out: Spool[Finding], then: Callable[[Finding], Finding] = lambda f: f) -> None:
        """Append every finding to `out` in sort order (a stable sort: ties keep the order they came in),
        each as `then` makes it."""
        self._memory.sort(key=_finding_key)
        try:
            out.extend(map(then, heapq.merge(*self._runs, self._memory, key=_finding_key) if self._runs
                           else self._memory))
        finally:
            self.close()
            self._memory = []

    def close(self) -> None:
        for run in self._runs:
            run.close()
        self._runs = []


def _finding_key(f: Finding) -> Any:
    return f.sort_key


def _event_key(e: Event) -> Any:
    return e.sort_key


BREACHES = ("violation", "missed")


def _same_act(breached: Dict[Tuple[str, str], List[str]]) -> Callable[[Finding], Finding]:
    """One fact breaching two rules is said once (issue 24, §5.10): the same fact (the same first
    evidence event, the same party) breaching several rules says which others in each finding's
    reason; the per-party counts count it once ("distinct"). Acts are set beside the acts of their
    day (the matcher holds the day's acts already: this map costs an entry per breach of the day),
    deadlines beside the deadlines."""
    def then(f: Finding) -> Finding:
        if f.status not in BREACHES or not f.evidence:
            return f
        others = [r for r in dict.fromkeys(breached.get((f.party, f.evidence[0]), ())) if r != f.rule]
        if not others:
            return f
        return attrs.evolve(f, reason=f"{f.reason} The same fact ({f.evidence[0]}) also breaches {', '.join(others)}.")
    return then


def _where(e: Event) -> str:
    if e.province and e.place:
        return f" in {e.province} ({e.place})"
    return f" in {e.province or e.place}" if (e.province or e.place) else ""


def _act_finding(rule: Rule, party: str, e: Event, status: str, reason: str,
                 justifiers: Tuple[str, ...] = (), rests_on: Sequence[Event] = (),
                 unclaimed: Tuple[str, ...] = (), magnitude: Optional[str] = None) -> Finding:
    level, why = confidence.rate(rests_on or (e,), party, status)  # issue 24
    bond = answers.answering(rule.bonds, party, e)  # issue 25 (§5.16): an act the party answers for
    if bond is not None:
        reason = f"{reason} [{bond.label(e.actor)}]"
    reason += denial(e)  # issue 25: a denial shown beside the act, never weighed
    return Finding(rule=rule.id, version=rule.version, party=party, status=status, date=e.date,
                   evidence=(e.id,) + justifiers + unclaimed, reason=reason + carveouts.start_note(rule, e),
                   province=e.province, justified_by=justifiers, confidence=level, confidence_reasons=why,
                   magnitude=magnitude, act_by=e.actor if bond is not None else None)


def _nobodys(rule: Rule, e: Event, same: str, kept: Dict[str, Event], total: int) -> str:
    """Why an act only unclaimed events would answer is unresolved (issue 24, §5.9): they are cited
    as evidence, never as what justifies it."""
    assert rule.justified_by is not None
    named = ", ".join(f"{j.id} ({j.type} on {j.date}{_where(j)})" for j in sorted(kept.values(), key=lambda j: j.sort_key))
    more = f" ({total} such events in the window; the latest {len(kept)} cited)" if total > len(kept) else ""
    stated = f" {e.actor} states: {e.stated_justification!r}." if e.stated_justification else ""
    return (f"{rule.title}: {e.type} by {e.actor} on {e.date}{_where(e)}: the only events that would answer it{same} "
            f"in the {rule.justified_by.within_days} days before, {named}{more}, are attributed to no one (actor "
            f"unknown), and an act nobody claimed justifies no party's act.{stated} The input cannot settle it: "
            f"unresolved, neither justified nor a violation.")


def _event_findings(rule: Rule, party: str, hits: Sequence[Event], matches: Matches,
                    cite: Callable[[Event], None]) -> List[Finding]:
    """Acts judged by a prohibited or conditional rule: a violation (missed, for a non-obligation),
    justified by an event in its window, or unresolved when only the actor's word justifies it."""
    out = []
    breach = rule.status if rule.status != "violation" else rule.breach
    for e in hits:
        cite(e)
        doubt = coding.doubt(rule, party, e) or location.doubt(rule, party, e)  # issues 24, 25: type, place
        # an act in doubt that justifiers would answer is judged on them; one only unclaimed events would answer
        # is unresolved citing them (§5.9), its doubt said too; otherwise it is unresolved on its doubt alone
        answered = kind_of(rule).justifiable and (matches.justifications.get((rule.version, party, e.id))
                                                  or matches.unclaimed.get((rule.version, party, e.id)))
        if doubt is not None and not answered:
            out.append(_act_finding(rule, party, e, "unresolved", f"{rule.title}: {e.type} by {e.actor} on {e.date}"
                                                                  f"{_where(e)}{doubt}"))
            continue
        if not kind_of(rule).justifiable:
            out.append(_act_finding(rule, party, e, breach, f"{rule.title}: {e.type} by {e.actor} on {e.date}{_where(e)}"
                                                            f"{rule.modality_note()}."))
            continue
        jb = rule.justified_by
        assert jb is not None
        kept = matches.justifications.get((rule.version, party, e.id), {})
        justifiers = sorted(kept, key=lambda j: kept[j].sort_key)
        same = f" in the same {', '.join(jb.same)}" if jb.same else ""
        if jb.within_km is not None:  # issue 25: the justifier near the act
            same += f" within {jb.within_km:g} km" + ("" if e.extra.get("point") else " (the act has no coordinates "
                                                      "or gazetteer point: only an event at its named place could be near it)")
        if justifiers:
            for j in justifiers:
                cite(kept[j])
            latest = kept[justifiers[-1]]
            days = (e.date - latest.date).days
            total = matches.justifier_counts.get((rule.version, party, e.id), len(justifiers))
            more = f" ({total} justifying events in the window; the latest {len(justifiers)} cited)" if total > len(justifiers) else ""
            answers = f"{rule.title}: {e.type} by {e.actor} on {e.date}{_where(e)} answers {latest.type} by {latest.actor} " \
                      f"on {latest.date} ({latest.id}), {deadlines.plural(days, 'day')} before{carveouts.order_note(e, latest)}" \
                      f"{same}, within the {jb.within_days}-day window of {rule.id}{more}"
            within, relation = carveouts.weigh(jb.magnitude, e, [kept[j] for j in justifiers])  # issue 25
            if within is False:  # justified in time, beyond the stated proportion (§5.13): the input cannot settle it
                out.append(_act_finding(rule, party, e, "unresolved",
                                        f"{answers}, but {relation}. The input cannot settle it: unresolved, neither "
                                        f"justified nor a violation.",
                                        unclaimed=tuple(justifiers), magnitude=relation))
                continue
            strongest = confidence.best((kept[j] for j in justifiers), party, "justified")
            out.append(_act_finding(rule, party, e, "justified", f"{answers}{carveouts.in_reason(within, jb.magnitude)}.",
                                    tuple(justifiers), (e, strongest) if strongest is not None else (e,),
                                    magnitude=relation))
            continue
        nobodys = matches.unclaimed.get((rule.version, party, e.id))
        if nobodys:
            for unclaimed in nobodys.values():
                cite(unclaimed)
            total = matches.unclaimed_counts.get((rule.version, party, e.id), len(nobodys))
            said = f" Besides, {e.type} by {e.actor} on {e.date}{doubt}" if doubt is not None else ""  # §7.3, §8
            out.append(_act_finding(rule, party, e, "unresolved", _nobodys(rule, e, same, nobodys, total) + said,
                                    unclaimed=tuple(sorted(nobodys, key=lambda j: nobodys[j].sort_key))))
            continue
        # every act's reason opens with what the commitment is (and so whether its terms are only reported)
        missing = (f"{rule.title}: {e.type} by {e.actor} on {e.date}{_where(e)} with no justifying event{same} "
                   f"in the {deadlines.plural(jb.within_days, 'day')} before{carveouts.missing_note(e)}, among the events given")
        if e.stated_justification and e.stated_justification.strip():  # a blank statement states nothing
            out.append(_act_finding(rule, party, e, "unresolved",
                                    f"{missing}; {e.actor} states: {e.stated_justification!r}. The input cannot settle "
                                    f"it: unresolved, neither justified nor a violation."))
        else:
            out.append(_act_finding(rule, party, e, breach, f"{missing}{rule.modality_note()}."))
    return out


class _Cited:
    """The events findings and claims cite, each once, in (date, id) order, written out once no
    later finding can cite them (a justifier is cited for at most its window after its date)."""

    def __init__(self, reach_days: int):
        self.reach = dt.timedelta(days=reach_days)
        self.out = events_spool()
        self._held: Held[Event] = Held()
        self._last: Optional[str] = None

    def cite(self, event: Event) -> None:
        self._held.push(event)

    def release(self, today: Optional[dt.date]) -> None:
        for event in self._held.dated_before(None if today is None else today - self.reach):
            if event.id != self._last:
                self.out.append(event)
                self._last = event.id


@attrs.frozen
class Borrowed:
    """Issue 27 (readings.py): what a judge of some rules only (`judged`) takes from the primary judge:
    every other rule's findings before the claims pass (in sort order), and its decided deadlines."""

    judged: FrozenSet[str]
    findings: Iterable[Finding]
    decided: Mapping[Tuple[str, str], Deadline]
    first_defaults: Dict[Tuple[str, str], Finding] = attrs.field(factory=dict)  # by (rule, party), of the rest


def _lent(findings: Iterable[Finding], lend: Callable[[Finding], None]) -> Iterator[Finding]:
    for f in findings:
        lend(f)
        yield f


@attrs.frozen
class Judged:
    findings: Spool[Finding]
    claims: Spool[Claim]
    not_assessed: Tuple[NotAssessed, ...]
    events: Spool[Event]  # every event a finding or claim cites, in (date, id) order
    defaults: Tuple[DefaultGroup, ...] = ()
    series: Tuple[SeriesRow, ...] = ()  # issue 15: every judged period of every level rule


Coverage = Tuple[Optional[dt.date], Optional[dt.date]]  # first and last events judged


class Judge:
    """Findings as the stream advances: `take` a day's (or any later) matches, then `finish`."""

    def __init__(self, agreement: Agreement):
        self.agreement = agreement
        self._findings = findings_spool()
        self._claim_events = indexed_events_spool()
        reach = max((r.justified_by.within_days for r in agreement.rules if r.justified_by), default=0)
        self._cited = _Cited(reach)
        self._progress: Dict[Unit, Progress] = {}
        self._deadlines_in_order = order(agreement)
        self.triggers = Triggers(agreement)
        self.continuing = Continuing()
        self._claim_counts: Dict[Tuple[str, str], int] = {}  # (rule named, accused) -> claims
        self._unassessed: Set[str] = set()  # deadline rules no event bears on (decided at the end)
        self.levels = LevelJudge(agreement.rules)  # issue 15: level rules' per-period tallies
        self.prevent = Prevent(agreement)  # issue 25: duties to prevent, judged on the response to each act
        self.episodes = Episodes()  # issue 24: acts grouped into episodes as they are judged
        self._day_findings = _DayFindings()  # the findings of the day being taken, across its parts
        self._day_claimed: List[Spool[Tuple[int, Event]]] = []  # the claims of its earlier parts, in runs
        # (party, act) -> the rules it breaches, over the day's parts (§5.10: one fact said once)
        self._day_breached: Dict[Tuple[str, str], List[str]] = {}
        self._statements: Dict[str, Event] = {}  # issue 24: monitors' statements of compliance, by id
        self._verifications = Verifications(agreement)  # issues 25/26 (§5.12): monitors' verifications, by id
        self.matching = agreement  # what the matcher runs (readings.ReadingJudges adds its readings' versions)
        # issue 25: the events that made the agreement's amendments, kept as they pass (they are few)
        self._amending_ids = {a.event for a in agreement.amendments if a.event is not None}
        self._amending: Dict[str, Event] = {}
        self.decided: Dict[Tuple[str, str], Deadline] = {}  # the deadlines decided at `finish` (readings.py lends them)
        self.first_defaults: Dict[Tuple[str, str], Finding] = {}  # each linked rule's first default, by party

    def claim_events(self) -> Iterable[Tuple[int, Event]]:
        """The claims taken so far (index of the claim rule in the agreement's rules, event), by date."""
        return self._claim_events.finish()

    def saw(self, event: Event) -> None:
        """Every event judged passes here: a monitor's statement of compliance is kept (they are few)."""
        if event.extra and statement_of(self.agreement, event) is not None:
            self._statements[event.id] = event
        if event.extra:
            self._verifications.saw(event)
        if event.id in self._amending_ids:
            self._amending[event.id] = event

    def saw_day(self, day: dt.date) -> None:
        """A day the input covers (levels)."""
        self.levels.activity.add(day)

    def _rated_statement(self, f: Finding) -> Finding:
        """A complied span a monitor's statement covers rests on that statement: rated like any finding
        (§7.2); one from declared coverage alone cites nothing and stays unrated."""
        if not f.evidence:
            return f
        level, why = confidence.rate([self._statements[i] for i in f.evidence if i in self._statements],
                                     f.party, f.status)
        return attrs.evolve(f, confidence=level, confidence_reasons=why)

    def take(self, matches: Matches) -> None:
        """Judge the hits in `matches` and remove them (with their justifications) from it.

        Every hit taken must be dated on or after every hit taken before."""
        self._take(matches, None)

    def take_part(self, matches: Matches, day: dt.date) -> None:
        """Judge what of `matches` (all dated `day`) no later event of that day can change, and remove
        it; the rest waits for `take` at the day's end (issue 23: a day of 200,000 events is judged
        CHUNK events at a time, not held whole in `Matches`). What waits: the acts of a justifiable
        commitment (their justifiers may come later in the day), and the hits and fulfilling events of
        a commitment not yet started (something later that day may start it). The findings of the day
        are handed on in the order `take` of the whole day gives: byte for byte the same report."""
        self._take(matches, day)

    def _take(self, matches: Matches, part_of: Optional[dt.date]) -> None:
        for unit, events in matches.triggers.items():
            self.triggers.saw(unit, min(e.date for e in events))
        matches.triggers.clear()
        self.prevent.take(matches)  # issue 25: before the deadlines clear the responses
        self._advance_deadlines(matches, part_of)
        findings = self._day_findings
        breached = self._day_breached
        claimed: List[Tuple[int, Event]] = []
        latest = None
        for index, rule in enumerate(self.agreement.rules):
            kind = kind_of(rule)
            if not (kind.continuing or kind.claim):  # deadlines and levels are judged elsewhere
                continue
            seen = set()
            for party in rule.parties:
                unit = (rule.version, party)
                if part_of is not None and not kind.claim and (kind.justifiable or not self.triggers.started_by(
                        rule, party, part_of)):
                    continue  # left for the day's end: a justifier or a start may come later that day
                hits = matches.hits.pop(unit, None)
                if not hits:
                    continue
                last = max(e.date for e in hits)
                latest = last if latest is None or last > latest else latest
                if not kind.claim:
                    start = self.triggers.start(rule, party)
                    judged = sorted((e for e in hits if start is not None and e.date >= start
                                     and not carveouts.before_start(rule, e)
                                     and not self.triggers.ended_before(rule, party, e.date)),  # issue 26
                                    key=_event_key)
                    for act, f in zip(judged, _event_findings(rule, party, judged, matches, self._cited.cite),
                                      strict=True):
                        f = self.episodes.of(f, act)  # issue 24 (§5.10)
                        if f.status in BREACHES:
                            breached.setdefault((party, act.id), []).append(rule.id)
                        self.continuing.saw_finding(unit, f)
                        findings.append(f)
                    continue
                for e in hits:
                    if e.id not in seen:  # a claim rule judges an event once, whichever party it matched for
                        seen.add(e.id)
                        claimed.append((index, e))
                        self._cited.cite(e)
                        key = (str(e.rule), str(e.get(rule.accused_field)))
                        self._claim_counts[key] = self._claim_counts.get(key, 0) + 1
        self.levels.take(matches.hits, self._cited.cite)  # issue 15
        claimed.sort(key=lambda item: item[1].date)
        if part_of is not None:
            if claimed:  # a run of this part's claims (rule order within it), merged at the day's end
                self._day_claimed.append(spill_run(claimed, INDEXED_PACKER, "sort the claims of a day"))
            return
        matches.justifications.clear()
        matches.justifier_counts.clear()
        matches.unclaimed.clear()
        matches.unclaimed_counts.clear()
        findings.drain_into(self._findings, _same_act(breached))
        self._day_breached = {}
        if latest is not None:
            self.episodes.forget_before(latest)
        if self._day_claimed:  # stable: by date, then rule, each rule's claims in the order they came
            self._claim_events.extend(heapq.merge(*self._day_claimed, claimed, key=lambda item: (item[1].date, item[0])))
            for run in self._day_claimed:
                run.close()
            self._day_claimed = []
        else:
            self._claim_events.extend(claimed)
        if latest is not None:
            self._cited.release(latest)

    def _advance_deadlines(self, matches: Matches, part_of: Optional[dt.date] = None) -> None:
        """Count fulfilling events, trigger sources first: a deadline met today starts its dependants today.
        For part of a day (`part_of`), a unit not yet started keeps its events for the day's end."""
        for rule in self._deadlines_in_order:
            for party in rule.parties:
                unit = (rule.version, party)
                for part, fulfilment in enumerate(rule.fulfilments):
                    start = self.triggers.start(rule, party)
                    if part_of is not None and (start is None or start > part_of):
                        continue
                    events = matches.fulfils.pop((rule.version, party, part), None)
                    if events and self.triggers.end(rule, party) is not None:  # issue 26: nothing after its end counts
                        events = [e for e in events if not self.triggers.ended_before(rule, party, e.date)]
                    if not events or start is None:
                        continue
                    progress = self._progress.setdefault(unit, {})
                    progress.setdefault(part, PartProgress()).advance(fulfilment, events, start)
                for part, fulfilment in enumerate(rule.fulfilments):  # §5.12: a declaration verified since
                    if fulfilment.verified_by is not None and part in self._progress.get(unit, {}):
                        deadlines.confirm(self._progress[unit][part], fulfilment, party, self._verifications)
                done = deadlines.established(self._progress.get(unit, {}), rule)
                if done is not None:
                    self.triggers.fulfilled(rule.id, done, party)
        if part_of is None:
            matches.fulfils.clear()  # parts of units that had not started: their events do not count

    def finish(self, matches: Matches, as_of: dt.date, coverage: Coverage = (None, None),
               known: Callable[[str], bool] = lambda event_id: True,
               sources: Sequence[SourceCoverage] = (), lend: Optional[Callable[[Finding], None]] = None,
               borrow: Optional["Borrowed"] = None) -> Judged:
        """Decide the deadlines, compliance and links as of the report date, set the claims beside
        everything, and close. `known` says whether an event id is in the input (claims' `about`);
        `sources`: what each input declares it covers, cut at the report date. Issue 27 (readings.py):
        `lend` sees every finding before the claims pass (and `decided` keeps the deadlines); `borrow`:
        this judge judged only `borrow.judged`, and takes every other rule's findings and deadlines
        from `borrow` (the primary reading's, the same by construction)."""
        self.take(matches)
        reported = reports.monitor_reports(self.agreement, self._claim_events.finish())  # issue 24
        if reported:
            self._findings = reports.settle(self.agreement, self._findings.finish(), reported, self.continuing)
        decided, not_assessed, reopened = self._deadlines(matches, as_of, coverage[1], known)
        statements = [s for e in self._statements.values() if (s := statement_of(self.agreement, e)) is not None]
        kept = continuing.decide(self.agreement, self.continuing, self.triggers, as_of, sources, statements)
        more = [self._rated_statement(f) for f in kept.findings]
        not_assessed += kept.not_assessed
        untriggered, unassessed = self._untriggered_and_claimable(as_of)
        not_assessed += unassessed
        late = [d.finding for d in (*decided.values(), *reopened) if d.finding is not None] + more + untriggered
        breached: Dict[Tuple[str, str], List[str]] = {}  # deadlines breached on the strength of one event
        for f in late:
            if f.status in BREACHES and f.evidence:
                breached.setdefault((f.party, f.evidence[0]), []).append(f.rule)
        late = [_same_act(breached)(f) for f in late]
        level_findings, level_not_assessed, series = self.levels.finish(as_of)  # issue 15
        late += level_findings
        not_assessed += level_not_assessed
        prevent_findings, prevent_not_assessed, prevent_cited = self.prevent.finish(as_of)  # issue 25
        late += prevent_findings
        not_assessed += prevent_not_assessed
        evidence = [e for d in (*decided.values(), *reopened) for e in d.evidence]
        evidence += [self._statements[i] for i in dict.fromkeys(kept.cited)]
        evidence += prevent_cited
        self._cited.release(None)
        history = links.histories(self.agreement, decided.values(), self.continuing, self.triggers, as_of,
                                  kept.complied_since)
        linker = Linker(self.agreement, history, as_of)
        merged: Iterator[Finding] = heapq.merge(self._findings.finish(), sorted(late, key=lambda f: f.sort_key),
                                                key=lambda f: f.sort_key)
        self.decided = decided
        if borrow is not None:
            judged = borrow.judged
            merged = heapq.merge((f for f in merged if f.rule in judged), borrow.findings, key=_finding_key)
            decided = {**borrow.decided, **{k: d for k, d in decided.items() if k[0] in judged}}
        if lend is not None:
            merged = _lent(merged, lend)
        findings, claims = set_claims(self.agreement, merged, self._claim_events.finish(), decided, as_of,
                                      linker.annotate_packed, known)
        self.first_defaults = linker.first_by_rule
        lent_first = None if borrow is None else {k: f for k, f in borrow.first_defaults.items()
                                                  if k[0] not in borrow.judged}
        events = merged_events(self._cited.out.finish(), sorted(evidence, key=lambda e: e.sort_key))
        not_assessed.sort(key=lambda n: (n.rule, n.party, n.version))
        return Judged(findings, claims, tuple(not_assessed), events.finish(), linker.defaults(lent_first), tuple(series))

    def _deadlines(self, matches: Matches, as_of: dt.date, last_event: Optional[dt.date],
                   known: Callable[[str], bool] = lambda event_id: True
                   ) -> Tuple[Dict[Tuple[str, str], Deadline], List[NotAssessed], List[Deadline]]:
        """Each deadline rule decided for each party owing it (the parties of its version on the report
        date), each deadline by the version in force on its due date (amended.py): the first deadline
        by (rule, party), for links and claims (a lapse stays on record), and the deadlines re-opened
        by amendments after a lapse, each judged on its own."""
        decided: Dict[Tuple[str, str], Deadline] = {}
        not_assessed: List[NotAssessed] = []
        reopened: List[Deadline] = []
        # trigger sources first, and what a rule depends on before it (issue 25)
        for rule_id in dependence.order(list(dict.fromkeys(r.id for r in self._deadlines_in_order)), self.agreement):
            rule = self.agreement.version_on(rule_id, as_of)
            for party in rule.parties:
                for n, stage in enumerate(self._stages(rule, party, as_of, known)):
                    version = stage.rule
                    unit = (version.version, party)
                    bearing = {i: day for i in range(len(version.fulfilments))
                               if (day := matches.bearing.get((version.version, party, i))) is not None}
                    d = deadlines.decide(self.agreement, version, party, self._progress.get(unit, {}), self.triggers,
                                         as_of, matches.covered.get(unit), last_event, self._unassessed, bearing,
                                         blockers=dependence.blockers(self.agreement, version, decided),
                                         verifications=self._verifications, amended=stage.amended,
                                         cited=tuple(self._amending[i] for i in stage.events if i in self._amending),
                                         reopened=stage.reopened,
                                         clock=steps.clock(version, party, decided, self.triggers, as_of))
                    if n == 0:
                        decided[(rule.id, party)] = d
                    else:
                        reopened.append(d)
                    if d.not_assessed is not None:
                        not_assessed.append(d.not_assessed)
                        if n == 0:
                            self._unassessed.add(f"{rule.id}/{party}")  # issue 26: per-party triggers and clocks
            if all(decided[(rule.id, p)].not_assessed is not None for p in rule.parties):
                self._unassessed.add(rule.id)
        return decided, not_assessed, reopened

    def _stages(self, rule: Rule, party: str, as_of: dt.date, known: Callable[[str], bool]) -> List[amended.Stage]:
        """The deadlines of one commitment (amended.py); one, of its version on the report date, when it
        has not started by then."""
        start = self.triggers.start(rule, party)
        if start is None or start > as_of:
            return [amended.Stage(rule)]

        def done_on(version: Rule) -> Optional[dt.date]:
            done = deadlines.completed(self._progress.get((version.version, party), {}), version)
            return done.date if done is not None else None
        return amended.stages(self.agreement, rule.id, start, as_of, done_on, known)

    def _untriggered_and_claimable(self, as_of: dt.date) -> Tuple[List[Finding], List[NotAssessed]]:
        """One `not_triggered` finding per continuing or claimable commitment that had not started;
        claimable commitments that had are judged through claims only, and listed as such."""
        findings: List[Finding] = []
        listed: List[NotAssessed] = []
        for rule_id in self.agreement.rule_ids():
            versions = self.agreement.versions(rule_id)
            kind = kind_of(versions[0])
            if not (kind.continuing or kind.through_claims):
                continue
            rule = self.agreement.version_on(rule_id, as_of)
            for party in rule.parties:
                start = self.triggers.start(rule, party)
                if start is None or start > as_of:  # not triggered, or not yet in force
                    unknown = deadlines.trigger_unknown(rule, party, self._unassessed, self.triggers)
                    if unknown is not None:
                        listed.append(unknown)
                    else:
                        findings.append(deadlines.not_triggered(rule, party, self.triggers, as_of))
                elif kind.through_claims:
                    n = self._claim_counts.get((rule.id, party), 0)
                    listed.append(NotAssessed(rule.id, rule.version, party,
                                              "no event type records it; judged through claims only "
                                              f"({deadlines.plural(n, 'claim')} in the input name it)."))
        return findings, listed
