"""One rule version from its (merged) spec: fields checked against its kind, dates resolved
(a deadline's offset from signature spelled out), the kind's own data built by its hook."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional, Tuple

import attrs

from doha_compliance._util.dates import add_offset
from doha_compliance._util.values import iso_day
from doha_compliance.errors import Location, RuleError
from doha_compliance.models import AnsweredBy, DueFrom, Fulfilment, JustifiedBy, Magnitude, Rule, Trigger
from doha_compliance.rules import conditions
from doha_compliance.rules.kinds import kind_of

from . import each
from .checks import check_condition, check_fields, check_parties
from .dependence import dependences
from .places import staged_parts, unplaced
from .spec import RuleSpec, overlay


def parse_date(text: str, where: Location, errors: List[RuleError]) -> Optional[dt.date]:
    """A rule's date, real and within the supported range (so that it plus or minus any window is a date)."""
    try:
        return iso_day(text)
    except ValueError as exc:
        errors.append(RuleError(where, str(exc)))
        return None


def split_time(text: str, spec: Any, errors: List[RuleError]) -> Tuple[str, Optional[str]]:
    """`effective_from` as a date, or a date-time `YYYY-MM-DDTHH:MM` (issue 25: a cessation in effect
    at 04:00): its day and its time of day. Only a rule's first version may carry a time: an
    amendment's previous version ends the day before it, so a time would leave that day's earlier
    hours under no version at all."""
    if "T" not in text:
        return text, None
    day, time = text.split("T", 1)
    hour, minute = (int(p) for p in time.split(":"))
    if hour > 23 or minute > 59:
        errors.append(RuleError(spec.at("effective_from"), f"{text!r} is not a real time of day (HH:MM, 24 h)"))
        return day, None
    if spec.amends:
        errors.append(RuleError(spec.at("effective_from"), "an amendment takes effect on a day (YYYY-MM-DD): only a "
                                                           "rule's first version may carry a time of day"))
        return day, None
    return day, time


def resolve_due(spec: RuleSpec, signed: dt.date, errors: List[RuleError]) -> Tuple[Optional[dt.date], Optional[str]]:
    """A deadline is a date, or an offset from signature the YAML spells out (and may pin).
    An offset from the trigger is resolved when the trigger is known (`_offset_after_trigger`)."""
    due = spec.due
    if due is None:
        return None, None
    if isinstance(due, str):
        return parse_date(due, spec.at("due"), errors), None
    if is_rule_clock(due):  # issue 26: counted from another rule's fulfilment, once it is known (judging)
        return None, None
    if due["from"] == "trigger":
        how = offset_text(due)
        return None, f"{how} after the trigger" + (f" ({due['note']})" if due.get("note") else "")
    start = signed if due["from"] == "signature" else parse_date(due["from"], spec.at("due"), errors)
    if start is None:
        return None, None
    computed = add_offset(start, due.get("days", 0), due.get("months", 0))
    note = f"{offset_text(due)} from {'signature' if due['from'] == 'signature' else due['from']} ({start.isoformat()}) = {computed.isoformat()}"
    if "date" in due:
        pinned = parse_date(due["date"], spec.at("due"), errors)
        if pinned is None:
            return None, None
        note += f"; the date used is {pinned.isoformat()}"
        if due.get("note"):
            note += f" ({due['note']})"
        return pinned, note
    if due.get("note"):
        note += f" ({due['note']})"
    return computed, note


def is_rule_clock(due: Any) -> bool:
    """`due: {from: R}` names another rule (issue 26), not signature, trigger or a date."""
    return isinstance(due, dict) and due["from"] not in ("signature", "trigger") \
        and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", str(due["from"])) is None


def due_from_of(spec: RuleSpec, due: Any, errors: List[RuleError]) -> Optional[DueFrom]:
    """The `DueFrom` of `due: {from: R, days, months, party, or_from: due}`; `party` and `or_from` only
    with a rule (`rules check` checks R itself against the whole set, `rules/steps.py`)."""
    if not isinstance(due, dict):
        return None
    if not is_rule_clock(due):
        for key in ("party", "or_from"):
            if key in due:
                errors.append(RuleError(spec.at("due"), f"'{key}' is for a due date counted from another rule "
                                                        f"(from: RULE), not from {due['from']}"))
        return None
    if "date" in due:
        errors.append(RuleError(spec.at("due"), f"a due date counted from {due['from']} is known only once it is "
                                                "met (or defaults): no 'date' can be pinned"))
    return DueFrom(str(due["from"]), due.get("days", 0), due.get("months", 0), due.get("party"),
                   due.get("or_from") == "due")


def offset_text(due: Dict[str, Any]) -> str:
    how = []
    if due.get("months"):
        how.append(f"{due['months']} months")
    if due.get("days") or not due.get("months"):
        how.append(f"{due.get('days', 0)} days")
    return " and ".join(how)


def trigger_of(raw: Any) -> Optional[Trigger]:
    """A schema-checked `starts_when`/`ends_when`: `{rule: R}`, `{when: C}`, or `{all: [...]}`/`{any: [...]}`
    of them (issue 26)."""
    if not raw:
        return None
    if "all" in raw or "any" in raw:
        leaves = tuple(Trigger(leaf.get("rule"), leaf.get("when"), party=leaf.get("party"))
                       for leaf in raw.get("all", raw.get("any", [])))
        return Trigger(all_of=leaves) if "all" in raw else Trigger(any_of=leaves)
    return Trigger(raw.get("rule"), raw.get("when"), party=raw.get("party"))


def party_list(value: Any) -> List[str]:
    return value if isinstance(value, list) else ([value] if value else [])


def fulfilments_of(spec: RuleSpec, value: Any, errors: List[RuleError]) -> Tuple[Fulfilment, ...]:
    parts = value if isinstance(value, list) else ([value] if value else [])
    out = []
    for part in parts:
        f = Fulfilment(part["when"], part.get("total_of"), part.get("at_least"), part.get("up_to"), part.get("label"),
                       verified_by=part.get("verified_by"), percent_at_least=part.get("percent_at_least"))
        if f.up_to is not None and not f.total_of:
            errors.append(RuleError(spec.at("fulfilled_by"), "'up_to' (a ceiling) needs 'total_of': the field whose values add up"))
        if f.up_to is not None and f.at_least is not None and f.at_least > f.up_to:
            errors.append(RuleError(spec.at("fulfilled_by"), f"'at_least' ({f.at_least}) is above the ceiling 'up_to' ({f.up_to})"))
        # issue 25: a part met place by place is one part a place, each labelled by its name
        out.extend(staged_parts(f, part["places"]) if part.get("places") else [f])
    if len(out) > 1:  # a part no event bears on is not assessed (commitment-semantics §5.3, addendum 5)
        # (a place's part: what bears on it is its `when` at any place, so a place nothing happened at is
        # unmet, not unassessed)
        out = [attrs.evolve(f, bears_on=conditions.without_numbers(f.when if f.place is None else unplaced(f)))
               for f in out]
    return tuple(out)


def build_rule(spec: RuleSpec, base: Optional[RuleSpec], agreement: Dict[str, Any], signed: dt.date,
               errors: List[RuleError]) -> Optional[Rule]:
    """Merge an amendment over its base and check the kind's needs; None if unusable."""
    merged = overlay(base, spec) if base else spec
    merged.effective_until = spec.effective_until
    start_errors = len(errors)
    check_fields(spec, merged, errors)
    parties = each.owing(spec, merged.party, agreement, errors)  # issue 26: `party: each`
    parties = party_list(merged.party) if parties is None else parties
    check_parties(spec, "party", parties, agreement, errors)
    performers = party_list(merged.performed_by)
    check_parties(spec, "performed_by", performers, agreement, errors)
    fulfilments = fulfilments_of(spec, merged.fulfilled_by, errors)
    starts, ends = trigger_of(merged.starts_when), trigger_of(merged.ends_when)  # issue 26: all/any, ends_when
    for field_name, cond in (("when", merged.when), ("scope", merged.scope),
                             ("justified_by", (merged.justified_by or {}).get("when")),
                             ("covered_by", merged.covered_by),
                             *(("starts_when", leaf.when) for leaf in (starts.leaves if starts else ())),
                             *(("ends_when", leaf.when) for leaf in (ends.leaves if ends else ())),
                             *(("fulfilled_by", f.when) for f in fulfilments),
                             ("answered_by", (merged.answered_by or {}).get("when"))):
        check_condition(spec, field_name, cond, agreement, errors)
    eff_from, eff_time = signed, None
    if merged.effective_from and merged.effective_from != "signature":
        day_text, eff_time = split_time(merged.effective_from, spec, errors)  # issue 25: a date-time
        eff_from = parse_date(day_text, spec.at("effective_from"), errors) or signed
    eff_until = None
    if merged.effective_until:
        eff_until = parse_date(merged.effective_until, spec.at("effective_until"), errors)
        if eff_until and eff_until < eff_from:
            errors.append(RuleError(spec.at("effective_until"), f"ends ({eff_until}) before it starts ({eff_from})"))
    due, due_note = resolve_due(merged, signed, errors)
    due_from = due_from_of(spec, merged.due, errors)  # issue 26
    after_trigger = None
    if isinstance(merged.due, dict) and merged.due["from"] == "trigger":
        if not merged.starts_when:
            errors.append(RuleError(spec.at("due"), "'from: trigger' needs 'starts_when' (what starts the commitment)"))
        after_trigger = (merged.due.get("days", 0), merged.due.get("months", 0))
    kind = kind_of(merged) if merged.kind else None
    each.check_distinguishes(spec, merged, parties, kind is not None and (kind.continuing or kind.series), errors)
    level = None
    if kind is not None and kind.build is not None:  # the kind's own data (issue 15: a level's)
        level = kind.build(merged, signed, lambda f, m: errors.append(RuleError(spec.at(f), m)))
    if due is not None and due < signed:
        errors.append(RuleError(spec.at("due"), f"due {due} is before the agreement was signed ({signed}): a "
                                                "commitment cannot fall due before it is made"))
    if len(errors) > start_errors:
        return None
    jb = merged.justified_by
    return Rule(
        id=base.id if base else spec.id, version=spec.id, parties=tuple(parties), title=merged.title or "",
        source=merged.source or "", basis=merged.basis or "", kind=merged.kind or "",
        effective_from=eff_from, effective_until=eff_until,
        when=merged.when or {},
        justified_by=JustifiedBy(jb["when"], jb["within_days"], tuple(jb.get("same", ())), within_km=jb.get("within_km"),
                                 answers=jb.get("answers"),
                                 magnitude=Magnitude(**jb["magnitude"]) if jb.get("magnitude") else None) if jb else None,
        due=due, due_note=due_note, fulfilments=fulfilments, covered_by=merged.covered_by,
        modality=merged.modality or "obligation", wording=merged.wording, performed_by=tuple(performers),
        starts_when=starts, ends_when=ends,
        due_after_trigger=after_trigger, linked=tuple(merged.linked or ()), scope=merged.scope,
        accused_field=merged.accused_field or "accused",
        lookback_days=merged.lookback_days if merged.lookback_days is not None else 30,
        effective_from_time=eff_time,
        status=merged.status or "violation", amends=spec.amends, notes=merged.notes,
        # kind is None only for a rule without one, which the loader refuses (the Rule never escapes)
        file=spec.file, line=spec.line, level=level, traits=kind,  # type: ignore[arg-type]
        depends_on=dependences(merged.depends_on),
        answered_by=(AnsweredBy(merged.answered_by["when"], merged.answered_by["within_days"])
                     if merged.answered_by else None),
        due_from=due_from,
    )
