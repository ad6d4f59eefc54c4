"""Deadlines: how far a commitment got, and its status on the report date.

A deadline is met by the events its `fulfilled_by` names — one event, or events whose
`total_of` adds up — and, when it has several parts ("all US forces out" and "all coalition
forces out"), by the last part met. What the text does not make an obligation is not judged as
one: a best effort or an aim whose date passes unmet is `missed`, not a `violation`. A ceiling
("up to five thousand") is never read as a minimum: it is met by what the rule says the text
requires (`at_least`, by default any amount), and the total keeps counting so the reader sees
how far it went. A deadline starts with its trigger: only events from that day count, and a
date in the text that passed before the commitment started is moved to the day it started —
no party can default before its commitment begins. A commitment with no date (an undertaking)
is pending until it is done; it is never a violation. A deadline met late says by how many days
(`days_late`); one of several parts says how many were met (`parts_met` of `parts_total`), and
is no violation on the strength of a part no event bears on (commitment-semantics §5.3, addendum 5).

Everything here uses event dates and the report date, never the clock.
"""
from __future__ import annotations

import datetime as dt
from typing import AbstractSet, Dict, List, Mapping, Optional, Sequence, Set, Tuple

import attrs

from doha_compliance._util.dates import add_offset
from doha_compliance._util.values import whole_number
from doha_compliance.models import (
    Agreement,
    Event,
    Finding,
    Fulfilment,
    NotAssessed,
    Rule,
)

from . import confidence, dependence, verification
from .dependence import Blocker
from .triggers import Triggers
from .verification import Verifications


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@attrs.define
class PartProgress:
    """One part of a deadline: the event that completed it, the events counted, the running total.
    Past completion only a ceiling keeps counting (to show how far it went); others stop. A ceiling
    cites its events until the total reaches the ceiling; past it, events are counted, not kept
    (`beyond`), so memory and the evidence list follow the rule, not the stream."""

    done: Optional[Event] = None
    used: List[Event] = attrs.field(factory=list)
    total: int = 0
    beyond: int = 0  # events counted past the ceiling, not cited
    # a part with `verified_by` (§5.12): its declarations, and the event verifying the one that met it
    declared: List[Event] = attrs.field(factory=list)
    verified: Optional[Event] = None
    stated: Optional[Event] = None  # a part with `percent_at_least`: the latest event stating a percent

    def advance(self, fulfilment: Fulfilment, events: Sequence[Event], since: dt.date) -> None:
        """Count the events dated on or after `since` (the trigger), in (date, id) order."""
        for e in sorted(events, key=lambda e: e.sort_key):
            if e.date < since:
                continue
            if fulfilment.verified_by is not None:  # a declaration: met once a monitor verifies it (`confirm`)
                self.declared.append(e)
                continue
            if fulfilment.percent_at_least is not None:  # §5.12: a running percentage, met once it reaches it
                stated = e.get("percent")
                if stated is None or self.done is not None:
                    continue
                self.stated = e
                if stated >= fulfilment.percent_at_least:
                    self.done, self.used = e, [e]
                continue
            if self.done is not None and fulfilment.up_to is None:
                return
            if not fulfilment.total_of:
                self.done, self.used = e, [e]
                return
            value = whole_number(e.get(fulfilment.total_of))  # 4 from JSONL and "4" from CSV alike
            if value is not None:
                if fulfilment.up_to is not None and self.total >= fulfilment.up_to:
                    self.beyond += 1
                else:
                    self.used.append(e)
                self.total += value
                if self.done is None and self.total >= fulfilment.required:
                    self.done = e


Progress = Dict[int, PartProgress]  # by part index


def confirm(part: PartProgress, fulfilment: Fulfilment, party: str, verifications: Verifications) -> None:
    """A verified part not yet met is met once a declaration has a counted `complete` verification
    (§5.12): done on the declaration's day, citing the declaration and the verification."""
    if part.done is not None or not part.declared:
        return
    s = verification.state_of(part.declared, fulfilment, party, verifications)
    if s.state == "verified" and s.declaration is not None and s.verification is not None:
        part.done, part.verified = s.done, s.verification.event
        part.used = list({e.id: e for e in (s.declaration, s.verification.event)}.values())


def established(progress: Progress, rule: Rule) -> Optional[dt.date]:
    """The day every part was known done: a verified part on its verification's day, others on the day
    done (what starts from the deadline's fulfilment starts then); None while a part is not done."""
    days = []
    for i in range(len(rule.fulfilments)):
        part = progress.get(i, PartProgress())
        if part.done is None:
            return None
        days.append(part.verified.date if part.verified is not None else part.done.date)
    return max(days) if days else None


def completed(progress: Progress, rule: Rule) -> Optional[Event]:
    """The event that completed the last part, if every part is done."""
    dones = [progress.get(i, PartProgress()).done for i in range(len(rule.fulfilments))]
    done = [d for d in dones if d is not None]
    if not dones or len(done) < len(dones):
        return None
    return max(done, key=lambda e: e.sort_key)


@attrs.frozen
class Deadline:
    """A deadline unit decided on the report date: its finding (or why it is not assessed), and the
    dates `links` needs to tell its status on any other day."""

    rule: Rule
    party: str
    finding: Optional[Finding]
    not_assessed: Optional[NotAssessed]
    start: Optional[dt.date]           # the trigger (None: not triggered by the report date)
    day: Optional[dt.date]             # the deadline day (None: no date set)
    done: Optional[dt.date]            # completed on (None: not by the report date)
    evidence: Tuple[Event, ...] = ()
    parts_done: Tuple[Optional[dt.date], ...] = ()  # each part done on (issue 25: parts a dependant pairs with)
    prevented_since: Optional[dt.date] = None       # issue 25: prevented (depends_on), since its blocker's day


@attrs.frozen
class Clock:
    """A step's clock for one party: the day it is due (None: not started), the words for its reason
    ("1 day after ukraine met pullback.heavy on 2015-02-26") and for `Finding.clock` (None when no clock
    ran); `unknown`: the step it follows is not assessed."""

    due: Optional[dt.date]
    words: str
    label: Optional[str] = None
    unknown: bool = False


def deadline_day(rule: Rule, start: dt.date) -> Tuple[Optional[dt.date], str]:
    """(the day the commitment falls due, a note when it is not the text's date)."""
    if rule.due_after_trigger is not None:
        days, months = rule.due_after_trigger
        return add_offset(start, days, months), f" (due {rule.due_note}, which started on {start})"
    if rule.due is None:
        return None, ""
    if rule.due < start:
        return start, (f" (the date in the text, {rule.due}, passed before the commitment started on {start}: "
                       f"it is judged from that day)")
    return rule.due, ""


def _progress_text(rule: Rule, progress: Progress, so_far: bool) -> str:
    """How far each counted part got: "4580 of up to 5000 count" or "120 of 1000 count so far"."""
    bits = []
    for i, f in enumerate(rule.fulfilments):
        if not f.total_of:
            continue
        part = progress.get(i, PartProgress())
        got = part.total
        past = (f"; {plural(part.beyond, 'event')} past the ceiling counted, not cited" if part.beyond else "")
        bits.append(f"{got} of up to {f.up_to} {f.total_of}{past}" if f.up_to is not None
                    else f"{got} of {f.required} {f.total_of}")
    return f" ({'; '.join(bits)}{' so far' if so_far else ''})" if bits else ""


def part_name(rule: Rule, index: int) -> str:
    return rule.fulfilments[index].label or f"part {index + 1}"


def _parts_met(rule: Rule, progress: Progress) -> int:
    return sum(1 for i in range(len(rule.fulfilments)) if progress.get(i, PartProgress()).done is not None)


def _parts_text(rule: Rule, progress: Progress, unassessed: AbstractSet[int] = frozenset(), due: bool = True) -> str:
    """For a deadline with several parts, how many were met, and when each was, or that it was not
    ("1 of 2 parts met: US forces at zero: met on ...; allied forces at zero: no evidence, not assessed");
    before its day (`due` false) a part nothing bears on has "no evidence yet"."""
    total = len(rule.fulfilments)
    if total < 2:
        return ""
    bits = []
    for i in range(total):
        done = progress.get(i, PartProgress()).done
        name = part_name(rule, i)
        bits.append(f"{name}: met on {done.date} ({done.id})" if done
                    else f"{name}: no evidence{', not assessed' if due else ' yet'}" if i in unassessed
                    else f"{name}: not met")
    return f" [{_parts_met(rule, progress)} of {total} parts met: " + "; ".join(bits) + "]"


def parts_unassessed(rule: Rule, progress: Progress, bearing: Mapping[int, dt.date], start: dt.date) -> Set[int]:
    """The parts of a several-part deadline no event bears on (nothing matching the part's `bears_on`,
    its `when` without the tests on numbers, on or after the start) and not met: not assessed."""
    if len(rule.fulfilments) < 2:
        return set()
    return {i for i in range(len(rule.fulfilments))
            if progress.get(i, PartProgress()).done is None and not (i in bearing and bearing[i] >= start)}


def _unassessed_parts(rule: Rule, party: str, progress: Progress, missing: AbstractSet[int], start: dt.date,
                      day: Optional[dt.date], excused: AbstractSet[int] = frozenset()) -> Optional[NotAssessed]:
    """A several-part deadline not done, whose day has passed (an undertaking has none: pending), every part with
    evidence met on time and some part with none, is not assessed: it is no violation on the
    strength of a part nothing bears on, and not met either (commitment-semantics §5.3, addendum 5)."""
    if not missing:
        return None
    met = []
    for i in range(len(rule.fulfilments)):
        if i in missing or i in excused:  # issue 25: a prevented part is not owed yet
            continue
        done = progress.get(i, PartProgress()).done
        if done is None or (day is not None and done.date > day):
            return None  # a part with evidence unmet, or met late: the deadline was not met on time
        met.append(f"{part_name(rule, i)}: met on {done.date} ({done.id})")
    names = "; ".join(part_name(rule, i) for i in sorted(missing))
    others = (f"; the other {'part' if len(met) == 1 else f'{len(met)} parts'} met: {'; '.join(met)}" if met else "")
    it = "it" if len(missing) == 1 else "them"
    return NotAssessed(rule.id, rule.version, party,
                       f"{_parts_met(rule, progress)} of {len(rule.fulfilments)} parts met: {names}: no evidence "
                       f"(no event in the input bears on {it} on or after {start}, when it started){others}; "
                       "whether the deadline was met cannot be told from missing data.")


def not_triggered(rule: Rule, party: str, triggers: Triggers, as_of: dt.date) -> Finding:
    """The one finding of a commitment that had not started by the report date."""
    return Finding(rule=rule.id, version=rule.version, party=party, status="not_triggered", date=as_of,
                   evidence=(), reason=f"{rule.title}: not triggered: {triggers.why_not(rule, party, as_of)}.",
                   anchor="not-triggered")


def trigger_unknown(rule: Rule, party: str, unassessed: AbstractSet[str],
                    triggers: Optional[Triggers] = None) -> Optional[NotAssessed]:
    """A commitment started by a rule the input cannot speak for is not assessed either: whether it
    started cannot be told from missing data (it is not `not_triggered`). Per party (issue 26) when the
    party owes that rule too: its own unit of it (`unassessed` holds "R/party" for each such unit)."""
    def unit_of(rule_id: str, stated: Optional[str]) -> str:  # issue 26: the unit of R it waits for
        if stated:
            return f"{rule_id}/{stated}"
        return f"{rule_id}/{party}" if triggers is not None and triggers.per_party(rule_id, party) else rule_id
    # any rule it waits for (all/any) the input cannot speak for
    source = next((f.rule for f in (rule.starts_when.leaves if rule.starts_when else ())
                   if f.rule and unit_of(f.rule, f.party) in unassessed), None)
    if source is None:
        return None
    return NotAssessed(rule.id, rule.version, party, f"it starts when {source} is fulfilled, and {source} is not "
                                                     "assessed (no event in the input bears on it): whether it "
                                                     "started cannot be told from missing data.")


def decide(agreement: Agreement, rule: Rule, party: str, progress: Progress, triggers: Triggers, as_of: dt.date,
           last_cover: Optional[dt.date], last_event: Optional[dt.date], unassessed: AbstractSet[str] = frozenset(),
           bearing: Optional[Mapping[int, dt.date]] = None, blockers: Sequence[Blocker] = (),
           verifications: Optional[Verifications] = None, amended: Tuple[str, ...] = (),
           cited: Tuple[Event, ...] = (), reopened: str = "", clock: Optional[Clock] = None) -> Deadline:
    """The deadline unit's status on the report date (events after it are never seen). `unassessed`:
    the deadline rules already found not assessed (a trigger source is decided before its dependants);
    `bearing`: by part, the latest event bearing on it (several-part deadlines); `blockers`: the decided
    deadlines it depends on (issue 25, `dependence`); `amended`: how amendments moved its date
    (amended.py), told in its reason; `cited`: the events that made them; `reopened`: for a lapsed
    deadline, the new one an amendment set after it (told in its reason); `clock`: for a deadline
    counted from another step, the clock that ran for this party (issue 26, `steps`)."""
    start = triggers.start(rule, party)
    if start is not None and start > as_of:
        start = None
    if start is None and (unknown := trigger_unknown(rule, party, unassessed, triggers)) is not None:
        return Deadline(rule, party, None, unknown, None, None, None)
    if start is None:
        return Deadline(rule, party, not_triggered(rule, party, triggers, as_of), None, None, None, None)
    day, day_note = deadline_day(rule, start)
    done = completed(progress, rule)
    if clock is not None:  # issue 26 (§5.17): due counted from another step, per party
        if clock.due is None and done is None:
            if clock.unknown:
                return Deadline(rule, party, None, NotAssessed(
                    rule.id, rule.version, party,
                    f"it is due {clock.words}: whether its clock started cannot be told from missing data."),
                    None, None, None)
            waiting = Finding(rule=rule.id, version=rule.version, party=party, status="not_triggered", date=as_of,
                              evidence=(), anchor="not-triggered",
                              reason=f"{rule.title}: not triggered: it is due {clock.words}.")
            return Deadline(rule, party, waiting, None, None, None, None)
        day = None if clock.due is None else max(clock.due, start)
        day_note = "" if clock.due is None else f" ({clock.words}" + (
            f"; it started later, on {start}" if clock.due < start else "") + ")"
    end = triggers.end(rule, party)  # issue 26 (§5.17): ended by ends_when; nothing after that day counted
    ended = "" if end is None or rule.ends_when is None else (
        f" It ended on {end} ({rule.ends_when.describe('ends_when')}): nothing after that day counts.")
    if end is not None and done is None and (day is None or day > end):
        return Deadline(rule, party, None, NotAssessed(
            rule.id, rule.version, party,
            f"it ended on {end}, before it fell due ({f'due {day}' if day else 'no date was set'}), not met by then: "
            "neither met nor a default."), start, day, None)
    text_day = day  # what names the finding, whatever a dependence moves (issue 25)
    parts_done = tuple(p.done.date if (p := progress.get(i)) is not None and p.done is not None else None
                       for i in range(len(rule.fulfilments)))
    blocked = dependence.block(rule, day, blockers, done.date if done else None, parts_done)
    day, moved = dependence.moved(day, blocked)
    day_note += moved
    if done is None and blocked.prevented and not _owed_part_unmet(
            rule, blocked, parts_done, day, as_of, _declared_unverified(rule, party, progress, day, verifications)):
        said = _verified_parts(agreement, rule, party, progress, day, as_of, verifications)[0]  # §5.12
        return _prevented(agreement, rule, party, progress, start, text_day, day, day_note, blocked, as_of, parts_done,
                          said)
    # assessed only if an event bearing on it falls in its own time: what the input says before the
    # commitment started cannot show whether it was done after (events past the report date are never seen)
    # a fulfilling event counted (on or after the start) bears on it too, whatever covered_by says: once
    # something was counted, its past months keep their progress as the report date moves (issue 24)
    counted = any(part.used or part.beyond or part.declared for part in progress.values())
    if (last_cover is None or last_cover < start) and not counted and not (day is not None and as_of <= day):
        since = "" if last_cover is None else f" on or after {start}, when it started"
        return Deadline(rule, party, None, NotAssessed(
            rule.id, rule.version, party, f"no event in the input bears on it (nothing matches its covered_by{since}), "
                                          "so a missed deadline cannot be told from missing data."), start, day, None)
    missing = parts_unassessed(rule, progress, bearing or {}, start) - blocked.prevented
    # issue 26 (§5.3, addendum 8): only once a day has passed; an undertaking (no day) with a part nothing
    # bears on is pending, like a dated deadline before its day: no default can rest on the missing part
    if done is None and day is not None and as_of > day:
        if (parts := _unassessed_parts(rule, party, progress, missing, start, day, blocked.prevented)) is not None:
            return Deadline(rule, party, None, parts, start, day, None)
    used: List[Event] = sorted({e.id: e for p in progress.values() for e in p.used}.values(), key=lambda e: e.sort_key)
    evidence = tuple(e.id for e in used)
    how_far = (_progress_text(rule, progress, done is None)
               + _parts_text(rule, progress, missing, day is not None and as_of > day)
               + _prevented_parts_text(rule, blocked))
    several = len(rule.fulfilments) > 1
    checked = _verified_parts(agreement, rule, party, progress, day, as_of, verifications)  # §5.12
    late = (done.date - day).days if done is not None and day is not None and done.date > day else None
    started = f" It started on {start} ({rule.starts_when.describe()})." if rule.starts_when else ""
    if rule.performed_by and tuple(rule.performed_by) != (party,):
        # every performer, the owing party too when it is one: talks that either side may open are performed
        # by both, not by the other side alone
        started += f" Performed by {' and '.join(agreement.label(p) for p in rule.performed_by)}."
    started += f" {checked[0]}." if checked[0] else ""
    started += _percent_text(rule, party, progress, verifications) + ended

    def finding(status: str, date: dt.date, text: str) -> Deadline:
        reason = (f"{rule.title}: {text}{started}" + "".join(f" {a[0].upper()}{a[1:]}." for a in amended)
                  + (f" {reopened}" if reopened else ""))
        # issue 24: as certain as its counted events; a verified declaration rests on its verification (§5.12)
        level, why = confidence.rate([e for e in used if e.id not in checked[2]], party, status)
        return Deadline(rule, party, Finding(rule=rule.id, version=rule.version, party=party, status=status, date=date,
                                             evidence=evidence, reason=reason, due=day,
                                             anchor=text_day.isoformat() if text_day else "undated", days_late=late,
                                             parts_met=_parts_met(rule, progress) if several else None,
                                             parts_total=len(rule.fulfilments) if several else None,
                                             confidence=level, confidence_reasons=why, amended=amended,
                                             verification=checked[0] or None, blocked_by=blocked.blocked_by,
                                             clock=clock.label if clock is not None else None),
                        None, start, day, done.date if done else None, tuple(used) + cited, parts_done)

    if day is None:
        if done is not None:
            unset = f"due {clock.words}" if clock is not None else "no date was set"
            return finding("met", done.date, f"met on {done.date} ({done.id}){how_far}; {unset}.")
        return finding("pending", as_of, f"not yet done as of {as_of}{how_far}; no date was set.")
    if done is not None and done.date <= day:
        return finding("met", done.date, f"met on {done.date} ({done.id}){how_far}, due {day}{day_note}.")
    if as_of <= day:
        left = (day - as_of).days
        return finding("pending", day, f"due {day}{day_note}, {plural(left, 'day')} after the report date; "
                                       f"not yet met{how_far}.")
    ends = f"; the input ends on {last_event}" if last_event is not None and last_event < day else ""
    if done is None and checked[1]:
        return finding("unresolved", day, f"not shown met by {day}{day_note}: declared on or before its day, the "
                                          f"declaration not verified{how_far}; the input cannot settle it: "
                                          "unresolved, neither met nor a violation.")
    if done is not None and late is not None:
        return finding(rule.breach, day, f"not met by {day}{day_note}{rule.modality_note()}; met late on {done.date} "
                                         f"({done.id}), {plural(late, 'day')} after the deadline{how_far}.")
    return finding(rule.breach, day, f"not met by {day}{day_note}{rule.modality_note()}, nor by the report date "
                                     f"{as_of}{how_far}{ends}.")


def _owed_part_unmet(rule: Rule, blocked: dependence.Block, parts_done: Sequence[Optional[dt.date]],
                     day: Optional[dt.date], as_of: dt.date, declared: AbstractSet[int] = frozenset()) -> bool:
    """Part by part (issue 25): a part whose counterpart is not in default, not met by the deadline's
    day once that day has passed — the deadline is then judged as usual, its prevented parts said. A part
    `declared` by its day and not yet verified (§5.12) is not shown unmet: it does not make one."""
    if not blocked.per_part or day is None or as_of <= day:
        return False
    return any(at is None or at > day for i, at in enumerate(parts_done)
               if i not in blocked.prevented and i not in declared)


def _declared_unverified(rule: Rule, party: str, progress: Progress, day: Optional[dt.date],
                         verifications: Optional[Verifications]) -> Set[int]:
    """The verified parts (§5.12) declared on or before the deadline's day that no counted verification
    answers yet: the party's word stands untested, neither met nor shown unmet."""
    if verifications is None or day is None:
        return set()
    out: Set[int] = set()
    for i, f in enumerate(rule.fulfilments):
        if f.verified_by is None:
            continue
        s = verification.state_of(progress.get(i, PartProgress()).declared, f, party, verifications)
        if s.state == "declared" and s.declaration is not None and s.declaration.date <= day:
            out.add(i)
    return out


def _prevented_parts_text(rule: Rule, blocked: dependence.Block) -> str:
    """"; 1 of 2 parts prevented (Khiam): cannot be performed while R is in default by P (id)"."""
    if not blocked.per_part or not blocked.prevented:
        return ""
    names = ", ".join(part_name(rule, i) for i in sorted(blocked.prevented))
    return f"; {len(blocked.prevented)} of {len(rule.fulfilments)} parts prevented ({names}): {blocked.words()}"


def _prevented(agreement: Agreement, rule: Rule, party: str, progress: Progress, start: dt.date,
               text_day: Optional[dt.date], day: Optional[dt.date], day_note: str, blocked: dependence.Block,
               as_of: dt.date, parts_done: Tuple[Optional[dt.date], ...], said: str = "") -> Deadline:
    """A deadline not done that cannot be performed while what it depends on is in default: `prevented`,
    dated the report date, citing what it had counted, never a violation (commitment-semantics §5.14);
    `said`: its verified parts in words (§5.12)."""
    used: List[Event] = sorted({e.id: e for p in progress.values() for e in p.used}.values(), key=lambda e: e.sort_key)
    several = len(rule.fulfilments) > 1
    due = f"due {day}{day_note}" if day is not None else "no date was set"
    parts = _parts_text(rule, progress, due=False) + (_prevented_parts_text(rule, blocked) if blocked.per_part
                                                      else f": {blocked.words()}")
    reason = (f"{rule.title}: prevented{parts}; not a violation ({due}; not done as of {as_of}"
              f"{_progress_text(rule, progress, True)})." + (f" {said}." if said else ""))
    level, why = confidence.rate(used, party, "prevented")
    finding = Finding(rule=rule.id, version=rule.version, party=party, status="prevented", date=as_of,
                      evidence=tuple(e.id for e in used), reason=reason, due=day,
                      anchor=text_day.isoformat() if text_day else "undated",
                      parts_met=_parts_met(rule, progress) if several else None,
                      parts_total=len(rule.fulfilments) if several else None,
                      confidence=level, confidence_reasons=why, blocked_by=blocked.blocked_by,
                      verification=said or None)
    since = max(start, blocked.since) if blocked.since is not None else start
    return Deadline(rule, party, finding, None, start, day, None, tuple(used), parts_done, since)
def _verified_parts(agreement: Agreement, rule: Rule, party: str, progress: Progress, day: Optional[dt.date],
                    as_of: dt.date, verifications: Optional[Verifications]) -> Tuple[str, bool, Set[str]]:
    """For a deadline with verified parts (§5.12): (each such part's verification in words; whether it is
    unresolved -- its day passed, every part not met is a verified part with a declaration on or before
    the day that no counted verification answers, every part met was met on time; the ids of the
    declarations a verification confirms, cited as context, not rested on)."""
    if verifications is None or not any(f.verified_by for f in rule.fulfilments):
        return "", False, set()
    bits, context = [], set()
    open_only = day is not None and as_of > day
    for i, f in enumerate(rule.fulfilments):
        part = progress.get(i, PartProgress())
        if f.verified_by is None:
            if part.done is None or (day is not None and part.done.date > day):
                open_only = False
            continue
        s = verification.state_of(part.declared, f, party, verifications)
        if s.state == "verified" and s.declaration is not None and s.verification is not None:
            if s.verification.event.id != s.declaration.id:
                context.add(s.declaration.id)
            if day is not None and s.done is not None and s.done.date > day:
                open_only = False
        elif not (s.state == "declared" and s.declaration is not None and day is not None
                  and s.declaration.date <= day):
            open_only = False
        text = verification.describe(agreement, f, s, day, as_of, party)
        bits.append(f"{part_name(rule, i)}: {text}" if len(rule.fulfilments) > 1 else text)
    done = completed(progress, rule) is not None
    text = "; ".join(bits)
    return (text[:1].upper() + text[1:]) if text else "", open_only and not done, context


def _percent_text(rule: Rule, party: str, progress: Progress, verifications: Optional[Verifications]) -> str:
    """For parts with `percent_at_least` not met, the latest stated percentage (§5.12): " Progress: 90 % of at
    least 100 %, as verified on D (id)"."""
    bits = []
    for i, f in enumerate(rule.fulfilments):
        part = progress.get(i, PartProgress())
        if f.percent_at_least is None or part.done is not None:
            continue
        if f.verified_by is not None and verifications is not None:
            events = [v.event for d in part.declared for v in verifications.counted(d, f, party)]
            text = verification.percent_progress(events, f, True)
        else:
            text = verification.percent_progress([part.stated] if part.stated else [], f, False)
        if text:
            bits.append(f"{part_name(rule, i)}: {text}" if len(rule.fulfilments) > 1 else text)
    return f" Progress: {'; '.join(bits)}." if bits else ""
