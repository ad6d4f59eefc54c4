"""Claims set beside the evidence: a party's accusation is weighed, never counted as a finding.

A claim (an allegation or statement accusing a party) is compared with the findings for the
accused party — for the rule it invokes, or any rule — in the `lookback_days` before it, in
the same province when it names one. Violations there corroborate it; acts judged justified
or deadlines met contradict it; acts left unresolved (a stated justification the input cannot
settle) or nothing at all leave it uncorroborated. A claim that a deadline will be or was
missed is weighed against that deadline's outcome on the report date, whenever it was made.
A party's claim that is not corroborated stays visible as an `alleged` finding, so an
accusation is never lost and never mistaken for evidence. A monitor (the agreement names
them) is not a party: its reports are weighed the same way but listed as third-party reports,
never as an allegation of one side against the other.

Weighing is one ordered pass over the findings (sorted) and the claims (by date), holding only
the lookback window. Findings are indexed by what a claim selects — accused party, rule (or
any rule), province (or any province) and status — so a claim is a few binary searches,
whatever the density of findings in its province: n strikes and n accusations in one province
cost O(n log n), not O(n²).
"""
from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import attrs

from doha_compliance._util.fast import replacer
from doha_compliance._util.spool import (
    PACK_FINDING,
    Packed,
    Spool,
    claims_spool,
    findings_spool,
    naming_rules,
)
from doha_compliance._util.stream import Held
from doha_compliance.models import INDEPENDENT_ROLES, Agreement, Claim, Event, Finding, Rule
from doha_compliance.rules import answers
from doha_compliance.rules.kinds import kind_of

from . import confidence
from .deadlines import Deadline

_with_claims = replacer(Finding, "claims")  # attrs.evolve(f, claims=...), cheaper: many findings are cited
_FORGET_EVERY = dt.timedelta(days=7)  # how often the window drops findings too old for any claim (memory only)
MAX_LISTED = 20  # a claim links to at most this many findings (the latest); its reason gives the total

# The statuses a claim is weighed against: what corroborates it, and what answers it.
CORROBORATING = ("violation",)
UNSETTLED = ("unresolved",)
ANSWERING = ("justified", "met")

_ANY = object()       # the key of "every province" (a claim that names none)
_NOWHERE = object()   # the key of findings that name no province (every claim's province reaches them)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Dated:
    """One index list: findings in the order they came (sorted), with their dates for bisection and
    their ids (a claim cites the ids of up to MAX_LISTED of them: made once a finding, not once a
    citation, `Finding.id` being a new string each time). The part older than every claim's lookback
    is dropped in amortised O(1)."""

    __slots__ = ("dates", "seqs", "items", "ids", "lo")

    def __init__(self) -> None:
        self.dates: List[dt.date] = []
        self.seqs: List[int] = []
        self.items: List[Finding] = []
        self.ids: List[str] = []
        self.lo = 0

    def add(self, seq: int, f: Finding, fid: str) -> None:
        self.dates.append(f.date)
        self.seqs.append(seq)
        self.items.append(f)
        self.ids.append(fid)

    def forget_before(self, day: dt.date) -> None:
        """Drop what is older than `day` once it is most of the list: each item is copied O(1) times in
        all. The floor is small because the index has thousands of small lists (party × rule ×
        province × status), and forgotten findings must not pile up in each of them."""
        self.lo = bisect.bisect_left(self.dates, day, self.lo)
        if self.lo > 16 and self.lo * 2 > len(self.dates) or self.lo == len(self.dates):
            del self.dates[:self.lo], self.seqs[:self.lo], self.items[:self.lo], self.ids[:self.lo]
            self.lo = 0

    def span(self, start: dt.date, end: dt.date) -> Tuple[int, int]:
        return bisect.bisect_left(self.dates, start, self.lo), bisect.bisect_right(self.dates, end, self.lo)


class _Window:
    """The findings a claim may cite, by (party, rule or None, province key, status)."""

    def __init__(self) -> None:
        self._by: Dict[Tuple[str, Optional[str], object, str], _Dated] = {}
        self._seq = itertools.count()

    def add(self, f: Finding) -> None:
        if f.status not in CORROBORATING and f.status not in ANSWERING and f.status not in UNSETTLED:
            return
        seq = next(self._seq)
        fid = f.id
        place = f.province if f.province else _NOWHERE
        # issue 25 (§5.16): an act a party answers for is reached by claims against its actor too
        for party in (f.party,) if f.act_by is None else (f.party, f.act_by):
            for rule in (f.rule, None):
                for province in (place, _ANY):
                    key = (party, rule, province, f.status)
                    dated = self._by.get(key)
                    if dated is None:
                        dated = self._by[key] = _Dated()
                    dated.add(seq, f, fid)

    def forget_before(self, day: dt.date) -> None:
        for dated in self._by.values():
            dated.forget_before(day)

    def select(self, party: str, rule: Optional[str], province: Optional[str], statuses: Sequence[str],
               start: dt.date, end: dt.date) -> Tuple[Dict[str, int], List[Finding], List[str]]:
        """(how many findings of each status the claim reaches, the latest MAX_LISTED of them in order,
        their ids)."""
        provinces = (province, _NOWHERE) if province else (_ANY,)
        counts: Dict[str, int] = {}
        tails: List[Tuple[_Dated, int, int]] = []  # (list, first, end) of each list reached
        for status in statuses:
            for place in provinces:
                dated = self._by.get((party, rule, place, status))
                if dated is None:
                    continue
                lo, hi = dated.span(start, end)
                if hi > lo:
                    counts[status] = counts.get(status, 0) + hi - lo
                    first = max(lo, hi - MAX_LISTED)
                    tails.append((dated, first, hi))
        if len(tails) == 1:  # the common case: one list, already in order
            dated, first, hi = tails[0]
            return counts, dated.items[first:hi], dated.ids[first:hi]
        latest = list(heapq.merge(*(zip(dated.seqs[first:hi], dated.items[first:hi], dated.ids[first:hi], strict=True)
                                    for dated, first, hi in tails), key=lambda item: item[0]))[-MAX_LISTED:]
        return counts, [f for _, f, _ in latest], [fid for _, _, fid in latest]


def _listed(total: int) -> str:
    return f" (the latest {MAX_LISTED} listed)" if total > MAX_LISTED else ""


def _owers(agreement: Agreement, rule_id: str) -> Tuple[str, ...]:
    """Who owes a rule, over all its versions (issue 26: a claim naming a rule its accused does not owe
    is outside the rules, and its allegation is no finding "owed by" the accused under that rule)."""
    out: List[str] = []
    for version in agreement.versions(rule_id):
        out.extend(p for p in version.parties if p not in out)
    return tuple(out)


def _names_deadline(agreement: Agreement, e: Event) -> bool:
    return bool(e.rule) and kind_of(agreement.versions(str(e.rule))[0]).deadline


def _about_deadline(e: Event, accused: str, deadline: Optional[Deadline], as_of: dt.date
                   ) -> Tuple[str, str, List[Finding]]:
    """A claim naming a deadline rule, against that deadline's outcome on the report date."""
    scope = f"{e.rule} owed by {accused}"
    if deadline is None or deadline.finding is None:
        return "uncorroborated", f"{scope} is not assessed: no event in the input bears on it.", []
    f = deadline.finding
    if f.status in ("violation", "missed"):
        late = f" (met late on {deadline.done})" if deadline.done else ""
        return "corroborated", f"{scope} fell due on {f.date} and passed unmet{late}: {f.status}.", [f]
    if f.status == "met":
        return "contradicted", f"{scope} was met on {f.date}" + (f", by its date {f.due}" if f.due else "") + ".", [f]
    if f.status == "not_triggered":
        return "uncorroborated", f"{scope} had not been triggered as of {as_of}.", [f]
    if f.status == "prevented":  # issue 25 (§5.14): no default while what it depends on is in default
        return "uncorroborated", (f"{scope} is prevented as of {as_of}: it cannot be performed while "
                                  f"{', '.join(f.blocked_by)} is in default; not a violation."), [f]
    when = f"falls due on {f.due}, after the report date {as_of}" if f.due else "has no date and is not yet done"
    return "uncorroborated", f"{scope} {when}.", [f]


def _role_words(agreement: Agreement, claimant: str) -> str:
    """"un (monitor)", "lead_ig (oversight, part of us)": a claimant always named with its standing."""
    part_of = agreement.part_of(claimant)
    return f"{claimant} ({agreement.role(claimant)}" + (f", part of {part_of})" if part_of else ")")


@attrs.frozen
class Context:
    """What a claim is weighed with beyond its window (issue 24): the acts claims are `about`, the
    claimants of each claimable commitment, and which event ids the input holds."""

    acts: Dict[str, List[Finding]] = attrs.field(factory=dict)  # act id -> findings judging it, in order
    # (rule, accused) -> {claimant: whether independent of the accused}
    claimable: Dict[Tuple[str, str], Dict[str, bool]] = attrs.field(factory=dict)
    known: Callable[[str], bool] = lambda event_id: True


def assess(agreement: Agreement, rule: Rule, e: Event, window: _Window, deadlines: Dict[Tuple[str, str], Deadline],
           as_of: dt.date, context: Optional[Context] = None) -> Tuple[Claim, List[Finding], Optional[Finding]]:
    """A claim beside the evidence: (the claim, the findings it cites, its `alleged` finding or None)."""
    context = context if context is not None else Context()
    accused = str(e.get(rule.accused_field))
    role = agreement.role(e.actor)
    held, bond = answers.answerer(agreement, accused, e.rule)  # issue 25 (§5.16): who answers for the accused
    owers = _owers(agreement, e.rule) if e.rule else ()
    named = str(e.rule) if e.rule and held in owers else None  # issue 26: a rule the accused (or its answerer) owes
    invoked = agreement.version_in_force(named, e.date) if named else None
    supported: Optional[int] = None
    shown: List[Finding] = []
    ids: Optional[List[str]] = None  # the ids of `shown`, when the window had them made
    if e.rule and named is None:
        assessment = "outside_rules"
        reason = (f"outside the agreement's rules: it names {e.rule}, which {held} does not owe "
                  f"({e.rule} is owed by {', '.join(owers)}).")
    elif _names_deadline(agreement, e):
        assessment, reason, shown = _about_deadline(e, held, deadlines.get((str(e.rule), held)), as_of)
    elif e.rule and kind_of(agreement.versions(str(e.rule))[0]).through_claims:
        assessment, reason, supported = _claimable(agreement, e, accused, context)
        shown = []
    elif e.about:
        assessment, reason, shown = _about_acts(agreement, e, accused, context)
    else:
        assessment, reason, shown, ids = _in_window(rule, e, accused, window)
        if assessment == "contradicted" and not e.rule:
            assessment, reason = "not_testable", _untestable(agreement, shown) + " " + reason
    cited = tuple(f.id for f in shown) if ids is None else tuple(ids)
    claim = Claim(event=e.id, date=e.date, claimant=e.actor, accused=accused, rule=e.rule, assessment=assessment,
                  findings=cited, reason=reason, province=e.province, claimant_role=role,
                  claimant_part_of=agreement.part_of(e.actor), independent=agreement.independent(e.actor, accused),
                  about=e.about, supported_by=supported)
    if assessment == "corroborated" or role in INDEPENDENT_ROLES:  # a report is no party's allegation
        return claim, shown, None
    said = f" ({e.description})" if e.description else ""
    alleged = Finding(rule=named or rule.id, version=invoked.version if invoked else rule.version,
                      party=held, status="alleged", date=e.date,
                      evidence=(e.id,) + tuple(f.evidence[0] for f in shown if f.evidence),
                      reason=f"claim by {e.actor}{said}: {_label(assessment)}{reason}"
                             + (f" [{bond.label(accused)}]" if bond is not None else ""),
                      province=e.province, claims=(e.id,), act_by=accused if bond is not None else None)
    return claim, shown, confidence.rated(alleged, (e,))  # issue 24: as certain as the claim's own record


def _label(assessment: str) -> str:
    """The assessment before an allegation's reason, unless the reason opens with it ("not testable by ...")."""
    return "" if assessment in ("not_testable", "outside_rules", "supported") else f"{assessment}: "


def _untestable(agreement: Agreement, shown: Sequence[Finding]) -> str:
    """Why answering findings do not contradict a claim that names no rule: what their rules test."""
    rules = sorted({f.rule for f in shown})
    tests = "; ".join(f"{r} tests: {agreement.versions(r)[0].title}" for r in rules)
    that = "that finding" if len(shown) == 1 else "those findings"
    return (f"not testable by {'this rule' if len(rules) == 1 else 'these rules'} ({tests}); the claim names no "
            f"rule, so {that} cannot contradict what it asserts:")


def _claimable(agreement: Agreement, e: Event, accused: str, context: Context) -> Tuple[str, str, int]:
    """A claim naming a commitment no event type records: no finding can bear it out, so concurring
    reports are counted — distinct independent claimants (DECISION: at least two make `supported`)."""
    claimants = context.claimable.get((str(e.rule), accused), {e.actor: agreement.independent(e.actor, accused)})
    independent = sorted(c for c, free in claimants.items() if free)
    parties = sorted(c for c, free in claimants.items() if not free)
    n = len(independent)
    named = "; ".join(_role_words(agreement, c) for c in independent)
    who = (f"{_plural(n, 'independent report')} in the input {'names' if n == 1 else 'name'} {e.rule} "
           f"against {accused}"
           + (f": {named}" if named else ""))
    apart = (f"; not counted, not independent of {accused}: {'; '.join(_role_words(agreement, c) for c in parties)}"
             if parties else "")
    if n >= 2:
        return "supported", f"supported by {who}{apart}.", n
    return "uncorroborated", (f"no event type records {e.rule}, so no finding can bear a claim out; "
                              f"{who}{apart}; it takes two to concur."), n


# what a claim about an act meets; `complied` is a duty to prevent the act answered by the party (§5.16)
_ACT_STATUSES = ("violation", "missed", "unresolved", "justified", "met", "complied")


def _about_acts(agreement: Agreement, e: Event, accused: str, context: Context) -> Tuple[str, str, List[Finding]]:
    """A claim naming the acts it is about: weighed against what was found about those acts, whatever
    their age (no lookback, no province), and cites them."""
    judged = [f for act in e.about for f in context.acts.get(act, ())
              if accused in (f.party, f.act_by) and f.date <= e.date and f.status in _ACT_STATUSES]
    judged.sort(key=lambda f: f.sort_key)
    own = [f for f in judged if f.rule == e.rule] if e.rule else judged
    missing = [act for act in e.about if not context.known(act)]
    absent = f" {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not in the input." if missing else ""
    about = ", ".join(e.about)
    for statuses, assessment in ((("violation", "missed"), "corroborated"), (("unresolved",), "uncorroborated"),
                                 (("justified", "met", "complied"), "contradicted")):
        hits = [f for f in own if f.status in statuses]
        if not hits:
            continue
        shown = hits[-MAX_LISTED:]
        found = "; ".join(f"{f.rule}: {f.status}" for f in shown)
        reason = f"about {about}: judged for {accused}: {found}{_listed(len(hits))}.{absent}"
        if assessment == "contradicted" and not e.rule:
            return "not_testable", _untestable(agreement, shown) + " " + reason, shown
        return assessment, reason, shown
    if judged:  # judged, but not by the rule the claim names
        shown = judged[-MAX_LISTED:]
        return "not_testable", (f"{e.rule} does not judge {about}; " + _untestable(agreement, shown)
                                + f" ({'; '.join(f'{f.rule}: {f.status}' for f in shown)}).{absent}"), shown
    if len(missing) == len(e.about):
        return "uncorroborated", f"about {about}:{absent}", []
    return "outside_rules", (f"outside the agreement's rules: no rule judges {about} as an act of {accused}."
                             f"{absent}"), []


def _in_window(rule: Rule, e: Event, accused: str, window: _Window
               ) -> Tuple[str, str, List[Finding], List[str]]:
    """A claim against the findings of its lookback window (and province): (assessment, reason, the
    findings cited, their ids)."""
    start = e.date - dt.timedelta(days=rule.lookback_days)
    scope = f"{e.rule or 'any rule'} owed by {accused}"
    span = f"the {rule.lookback_days} days up to {e.date}" + (f" in {e.province}" if e.province else "")
    counts, shown, ids = window.select(accused, e.rule, e.province, CORROBORATING, start, e.date)
    if counts:
        total = sum(counts.values())
        return "corroborated", f"{_plural(total, 'violation')} of {scope} found in {span}{_listed(total)}.", shown, ids
    counts, shown, ids = window.select(accused, e.rule, e.province, UNSETTLED, start, e.date)
    if counts:
        total = sum(counts.values())
        return "uncorroborated", (f"the {_plural(total, 'act')} found for {scope} in {span} "
                                  f"{'is' if total == 1 else 'are'} unresolved (a stated justification the input "
                                  f"cannot settle){_listed(total)}."), shown, ids
    counts, shown, ids = window.select(accused, e.rule, e.province, ANSWERING, start, e.date)
    if counts:
        total = sum(counts.values())
        return "contradicted", (f"the {_plural(total, 'act')} found for {scope} in {span} "
                                f"{'was' if total == 1 else 'were'} judged "
                                f"{'/'.join(sorted(counts))}, not violations{_listed(total)}."), shown, ids
    return "uncorroborated", f"no event shows {scope} breached in {span}.", [], []


def _context(agreement: Agreement, claim_events: Iterable[Tuple[int, Event]], known: Callable[[str], bool]
             ) -> Tuple[Context, Dict[str, dt.date]]:
    """One pass over the claims before weighing them: the claimants of each claimable commitment
    (counted over the whole input, so concurring reports all show the same count), and the acts
    claims are `about` with the last day a claim names each (a finding about one is kept until then)."""
    context = Context(known=known)
    last_claim: Dict[str, dt.date] = {}
    through_claims = {r.id for r in agreement.rules if kind_of(r).through_claims}
    seen = set()
    for rule_index, e in claim_events:
        if e.id in seen:
            continue
        seen.add(e.id)
        accused = str(e.get(agreement.rules[rule_index].accused_field))
        if e.rule in through_claims:
            context.claimable.setdefault((str(e.rule), accused), {})[e.actor] = agreement.independent(e.actor, accused)
        for act in e.about:
            last_claim[act] = max(last_claim.get(act, e.date), e.date)
    return context, last_claim


def set_claims(agreement: Agreement, findings: Iterator[Finding], claim_events: Iterable[Tuple[int, Event]],
               deadlines: Dict[Tuple[str, str], Deadline], as_of: dt.date,
               finish: Optional[Callable[[Finding, Optional[Tuple[str, ...]]], Packed]] = None,
               known: Callable[[str], bool] = lambda event_id: True) -> Tuple[Spool[Finding], Spool[Claim]]:
    """Merge the findings (sorted) with the claims (by date) in one pass: claims are assessed
    against the findings of their lookback window (or the deadline they name), and each finding is
    written out, with the claims that cite it and passed through `finish`, once no later claim can
    reach back to it: `finish(finding, ids of the claims citing it, or None)` returns the finding to
    write, with those claims, packed for the findings spool (by default it only sets them).

    `claim_events` are (index of the claim rule in agreement.rules, event), re-readable; `deadlines`
    the deadline units decided on the report date, by (rule id, party)."""
    claim_rules = [r for r in agreement.rules if kind_of(r).claim]
    lookback = dt.timedelta(days=max((r.lookback_days for r in claim_rules), default=0))
    out, claims_out = findings_spool(), claims_spool()
    window = _Window()
    waiting: Held[Finding] = Held()  # findings that a claim may still cite, and alleged findings
    cited_by: Dict[str, List[str]] = _deadline_citations(agreement, claim_events, deadlines)
    upcoming = next(findings, None)
    context, last_claim = _context(agreement, claim_events, known)
    pinned: List[Tuple[dt.date, dt.date, int]] = []  # (finding date, last claim about it, seq): held till then
    pins = itertools.count()

    def take(f: Finding) -> None:
        waiting.push(f)
        window.add(f)
        act = f.evidence[0] if f.evidence and f.status in _ACT_STATUSES else None
        if act is not None and act in last_claim:  # a claim is about it: kept, whatever its age
            context.acts.setdefault(act, []).append(f)
            heapq.heappush(pinned, (f.date, last_claim[act], next(pins)))

    def limit(horizon: dt.date, day: dt.date) -> dt.date:
        """What may be written out before `day`'s claims: older than the lookback, and than any
        finding a claim on or after `day` is about."""
        while pinned and pinned[0][1] < day:
            heapq.heappop(pinned)
        return min(horizon, pinned[0][0]) if pinned else horizon

    def release(before: Optional[dt.date]) -> None:
        done = finish if finish is not None else _cited
        for f in waiting.dated_before(before):
            citing = cited_by.pop(f.id, None) if f.status != "alleged" else None
            out.append_packed(done(f, tuple(sorted(set(citing))) if citing is not None else None))

    forgotten = dt.date.min  # findings dated before it were last dropped from the window
    for day, todays in itertools.groupby(claim_events, key=lambda item: item[1].date):
        horizon = day - lookback
        while upcoming is not None and upcoming.date <= day:
            take(upcoming)
            if upcoming.date < horizon:  # else nothing waiting is older than the horizon: releasing is a no-op
                release(limit(horizon, day))
            upcoming = next(findings, None)
        release(limit(horizon, day))
        if horizon - forgotten >= _FORGET_EVERY:  # a window holds thousands of lists: visit them once a week
            window.forget_before(horizon)
            forgotten = horizon
        assessed = []
        for rule_index, e in todays:
            claim, shown, alleged = assess(agreement, agreement.rules[rule_index], e, window, deadlines, as_of,
                                           context)
            assessed.append(claim)
            if not _names_deadline(agreement, e):  # those are cited before the pass (_deadline_citations)
                for fid in claim.findings:  # the ids of `shown`, made once
                    cited_by.setdefault(fid, []).append(claim.event)
            if alleged is not None:
                waiting.push(alleged)
        assessed.sort(key=lambda c: c.event)
        claims_out.extend(assessed)
    while upcoming is not None:
        waiting.push(upcoming)
        release(upcoming.date)
        upcoming = next(findings, None)
    release(None)
    return out.finish(), claims_out.finish()


def _cited(f: Finding, claims: Optional[Tuple[str, ...]]) -> Packed:
    """The finding with the claims that cite it (none: as it is), packed."""
    return PACK_FINDING[0](f if claims is None else _with_claims(f, claims))


def _deadline_citations(agreement: Agreement, claim_events: Iterable[Tuple[int, Event]],
                        deadlines: Dict[Tuple[str, str], Deadline]) -> Dict[str, List[str]]:
    """Which claims cite each deadline finding, known before the pass: a deadline finding may be
    written out long before a claim that names it (claims about deadlines ignore the lookback)."""
    out: Dict[str, List[str]] = {}
    deadline_rules = {rule_id for rule_id in agreement.rule_ids() if kind_of(agreement.versions(rule_id)[0]).deadline}
    for rule_index, e in naming_rules(claim_events, deadline_rules):  # of a spool, only those are rebuilt
        if not _names_deadline(agreement, e):
            continue
        accused = str(e.get(agreement.rules[rule_index].accused_field))
        d = deadlines.get((str(e.rule), answers.answerer(agreement, accused, e.rule)[0]))
        if d is not None and d.finding is not None:
            out.setdefault(d.finding.id, []).append(e.id)
    return out
