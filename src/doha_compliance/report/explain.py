"""`explain`: why a finding has its status, or what became of an event — in words an analyst can check."""
from __future__ import annotations

from typing import Any, List, Mapping

from doha_compliance.judging import coverage
from doha_compliance.judging.links import linked_ids
from doha_compliance.models import (
    NO_FINDING,
    STATUS_MEANINGS,
    UNKNOWN,
    Agreement,
    Claim,
    Event,
    Finding,
    Fulfilment,
    Rule,
)
from doha_compliance.rules import conditions
from doha_compliance.rules.places import unplaced

from .report import Report


def _event_line(e: Event) -> str:
    clock = f" {e.extra['time']}" if e.extra.get("time") else ""  # issue 25: its time of day, when stated
    bits = [f"{e.id}: {e.date}{clock} {e.type} by {e.actor}"]
    if e.target:
        bits.append(f"against {e.target}")
    if e.province or e.place:
        bits.append("in " + ", ".join(x for x in (e.province, e.place) if x))
    for name in ("fatalities", "wounded", "count"):
        if getattr(e, name) is not None:
            bits.append(f"{name} {getattr(e, name)}")
    line = " ".join(bits) + f"  [{e.where}]"
    if e.extra.get("located_by"):  # issue 25: where intake placed it
        line += f"\n      where: {_placed(e)}"
    known = _how_known(e)
    if known:
        line += f"\n      how known: {known}"
    if e.source:
        line += f"\n      source: {e.source}"
    return line


def _placed(e: Event) -> str:
    """Where intake placed an event in an agreement with zones or a gazetteer (commitment-semantics §8.1)."""
    x = e.extra
    if x["located_by"] == "unknown":
        return "location unknown (no coordinates, and no gazetteer place)"
    point = x.get("point")
    at = f"{point[0]:g}, {point[1]:g}" if point else "a gazetteer place given as zones"
    zones = ", ".join(x.get("zones") or []) or "no zone"
    return f"{at} (from its {'coordinates' if x['located_by'] == 'coordinates' else 'place, by the gazetteer'}): {zones}"


def _how_known(e: Event) -> str:
    """What the event says of its own certainty (issue 24), as given: the fields the confidence reads."""
    x = e.extra
    bits = []
    if x.get("source_count") is not None:
        bits.append(f"{x['source_count']} independent source{'s' if x['source_count'] != 1 else ''}")
    if x.get("own_account") is True:
        bits.append(f"only {e.actor}'s own account")
    if x.get("derived") is True:
        bits.append("a derived figure")
    if x.get("date_uncertain"):
        bits.append("date uncertain" + (f": {x['date_uncertain']}" if isinstance(x["date_uncertain"], str) else ""))
    if x.get("type_uncertain"):
        bits.append(f"type uncertain: {' or '.join([e.type, *x['type_uncertain']])}")
    return "; ".join(bits)


# How a finding's confidence is told (commitment-semantics.md §7), said by `explain` under the level.
CONFIDENCE_SCALE = (
    "each event it rests on is high with 2 or more independent sources and nothing uncertain; low with an "
    "uncertain type, only the account of a party it does not convict, or 3 lesser doubts together; else medium "
    "(one source, sources not stated, a derived figure, an uncertain date, a party's own admission). The finding "
    "takes its weakest event's level")


def _rests_on(f: Finding) -> str:
    if f.status == "alleged":
        return "the claim's own record"
    if f.status == "justified":
        return "the act and the best rated of its justifiers (any one is enough)"
    return "its evidence" if len(f.evidence) > 1 else "its one event"


def _fulfilment(f: Fulfilment) -> str:
    text = f"an event matching {conditions.as_text(f.when if f.place is None else unplaced(f))}"
    if f.place is not None:  # issue 25: one place of a part met place by place
        text += f", at {f.place}"
    if f.total_of and f.up_to is not None:
        text += f", whose {f.total_of} adds up to at least {f.required} (a ceiling of up to {f.up_to}: never a minimum)"
    elif f.total_of:
        text += f", whose {f.total_of} adds up to at least {f.required}"
    return (f"{f.label}: " if f.label else "") + text


def _made_by(agreement: Agreement, rule: Rule) -> List[str]:
    """Issue 25: the agreement-level amendment that made this version: when, by whom, on what event."""
    made = agreement.amendment_of(rule)
    if made is None:
        return []
    return [f"amended:   by {made.id}, agreed on {made.date} by {', '.join(made.agreed_by)}"
            + (f" (event {made.event})" if made.event else "") + f": due {made.due}"]


def _rule_lines(agreement: Agreement, rule: Rule) -> List[str]:
    until = rule.effective_until.isoformat() if rule.effective_until else "open-ended"
    lines = [f"rule:      {rule.id} — {rule.title}",
             f"version:   {rule.version} (in force {rule.effective_from}"
             f"{' ' + rule.effective_from_time if rule.effective_from_time else ''} to {until})"
             + (f", amends {rule.amends}" if rule.amends else ""),
             *_made_by(agreement, rule),
             f"source:    {rule.source} [{rule.basis}]",
             f"kind:      {rule.kind}" + (f", {rule.modality.replace('_', ' ')}" if rule.modality != "obligation" else "")
             + (f" ({rule.wording!r})" if rule.wording else "")]
    owed = ", ".join(agreement.label(p) for p in rule.parties)
    lines.append(f"owed by:   {owed}" + (f"; performed by {', '.join(agreement.label(p) for p in rule.performed_by)}"
                                         if rule.performed_by else ""))
    if rule.starts_when:
        what = conditions.as_text(rule.starts_when.when) if rule.starts_when.when else ""
        lines.append(f"starts:    {rule.starts_when.describe()}{' ' + what if what else ''}")
    if rule.ends_when:  # issue 26
        lines.append(f"ends:      {rule.ends_when.describe('ends_when')}")
    if rule.traits.deadline:
        due = str(rule.due) if rule.due else (f"{rule.due_from.describe()}" if rule.due_from  # issue 26
                                              else "counted from the trigger" if rule.due_after_trigger else "no date set")
        lines.append(f"due:       {due}" + (f" ({rule.due_note})" if rule.due_note else ""))
        for i, f in enumerate(rule.fulfilments):
            lines.append(("met by:    " if i == 0 else "  and:     ") + _fulfilment(f))
    elif rule.traits.through_claims:
        lines.append("judged:    through claims only (no event type records it)")
    else:
        lines.append(f"condition: {conditions.as_text(rule.when)}")
        if rule.level is not None:  # issue 15
            from doha_compliance.rules.kinds.level import describe
            lines.append(f"level:     {describe(rule.level)}")
        if rule.scope:
            lines.append(f"scope:     {conditions.as_text(rule.scope)} (acts outside it are not judged by this rule)")
    if rule.justified_by:
        jb = rule.justified_by
        same = f", same {', '.join(jb.same)}" if jb.same else ""
        same += f", within {jb.within_km:g} km of the act" if jb.within_km is not None else ""  # issue 25
        aimed = ", the act aimed at its actor" if jb.answers == "actor" else ""  # issue 25
        lines.append(f"justified: by an event matching {conditions.as_text(jb.when)} within {jb.within_days} days before"
                     f"{same}{aimed}")
        if jb.magnitude is not None:
            lines.append(f"proportion: the act's {jb.magnitude.field} {jb.magnitude.describe()}; beyond it, unresolved")
    linked = linked_ids(agreement, rule)
    if linked:
        lines.append(f"linked:    {', '.join(linked)}")
    if rule.notes:
        lines.append(f"notes:     {rule.notes}")
    lines.append(f"defined:   {rule.file}:{rule.line}")
    return lines


def _reading_lines(agreement: Agreement, f: Finding) -> List[str]:
    """Which reading the finding is judged under, and its status under the others where it differs
    (contested readings, issue 24)."""
    if not agreement.readings:
        return []
    lines = []
    if any(f.rule in r.changes for r in agreement.readings):
        own = agreement.primary_reading(f.rule)
        lines.append(f"reading:   {own.label()}, the rule's primary reading" + (f" ({own.source})" if own.source else ""))
    for status in f.readings:
        reading = agreement.reading(status.reading)
        name = reading.label() if reading is not None else status.reading
        said = "no such finding" if status.status == NO_FINDING else status.status
        words = f" [{reading.words()}]" if reading is not None and reading.words() else ""
        lines.append(f"otherwise: under the reading {name}{words}: {said} — {status.reason}")
    if lines and not f.readings:
        lines.append("otherwise: the same status under every other reading")
    return lines


def explain_finding(report: Report, f: Finding) -> str:
    events = {e.id: e for e in report.events}
    rule = report.rule_version(f.version)
    lines = [f"finding:   {f.id}", f"status:    {f.status} for {f.party}, dated {f.date} (report as of {report.as_of})",
             f"meaning:   {f.status}: {STATUS_MEANINGS[f.status]}",
             f"why:       {f.reason}"]
    if f.blocked_by:  # issue 25: the findings in default that keep it from being performed
        lines.append(f"blocked:   by {', '.join(f.blocked_by)} (depends_on: see each with explain)")
    if f.confidence is None:
        lines.append("confidence: not rated" + (" (rests on no event)" if not f.evidence else ""))
    else:
        lines.append(f"confidence: {f.confidence}" + (f" ({'; '.join(f.confidence_reasons)})" if f.confidence_reasons
                                                       else "") + f", from {_rests_on(f)}: {CONFIDENCE_SCALE}.")
    lines += _rule_lines(report.agreement, rule)
    for link in f.linked:
        lines.append(f"linked on {f.date}: {link.describe()}")
    if f.episode is not None:  # issue 24 (§5.10): which acts count as one
        same = [g.id for g in report.findings if g.episode == f.episode and g.id != f.id]
        lines.append(f"episode:   {f.episode}" + (f", with {', '.join(same)}" if same else " (no other act in it)"))
    lines += _reading_lines(report.agreement, f)
    if f.justified_by:
        lines.append("justified by:")
        lines += [f"  - {_event_line(events[j])}" for j in f.justified_by if j in events]
    first = events.get(f.evidence[0]) if f.evidence else None
    if first is not None and rule.traits.continuing and "any" in rule.when:
        held = [conditions.as_text(alt) for alt in rule.when["any"] if conditions.matches(alt, first.get)]
        lines.append(f"matched:   {first.id} satisfies " + " and ".join(held) + " (of the alternatives under 'any')")
    if f.status == "complied":
        lines += _covered_lines(report, rule, f)
    lines.append("evidence:" if f.evidence else "evidence:  none in the input")
    lines += [f"  - {_event_line(events[e])}" if e in events else f"  - {e}" for e in f.evidence]
    claims = [c for c in report.claims if c.event in f.claims or f.id in c.findings or c.event in f.evidence]
    for c in claims:
        standing = c.claimant_role + (f", part of {c.claimant_part_of}" if c.claimant_part_of else "") + \
            ("; independent of the accused" if c.independent else "")
        lines.append(f"claim:     {c.event} by {c.claimant} ({standing}) against {c.accused}: {c.assessment} — {c.reason}")
    return "\n".join(lines) + "\n"


def _covered_lines(report: Report, rule: Rule, f: Finding) -> List[str]:
    """Which declared sources cover a complied finding's span (issue 24), and what they record."""
    start = f.span_start or f.date
    types, provinces = coverage.acts_of(report.agreement, rule), coverage.provinces_of(rule)
    used = [s for s in report.sources if coverage.covers(s, types, provinces) and s.start <= f.date and start <= s.end]
    lines = [f"span:      {start} to {f.date}"]
    if used:
        lines.append("covered:   by what these inputs declare they record systematically:")
        lines += [f"  - {s.describe()}" for s in used]
    if f.evidence:
        lines.append("covered:   by the monitor's statement of compliance cited below")
    return lines


def explain(report: Report, key: str) -> str:
    """Explain a finding (by its id) or an event (by its id). Raises KeyError if neither is known."""
    found = [f for f in report.findings if f.id == key]
    if found:
        return "\n".join(explain_finding(report, f) for f in found)
    citing = [f for f in report.findings if key in f.evidence]
    if citing:
        head = f"event {key} is evidence in {len(citing)} finding{'s' if len(citing) != 1 else ''}:\n\n"
        return head + "\n".join(explain_finding(report, f) for f in citing)
    weighed = [c for c in report.claims if c.event == key]
    if weighed:  # a claim no finding cites (corroborated, or a monitor's report) is still weighed
        return "\n".join(_explain_claim(report, c) for c in weighed)
    raise KeyError(key)


def _explain_claim(report: Report, c: Claim) -> str:
    """A claim event: what it was weighed against, and the assessment, as the report's claims section has it."""
    events = {e.id: e for e in report.events}
    lines = [f"event:     {_event_line(events[c.event])}" if c.event in events else f"event:     {c.event}",
             f"claim:     by {c.claimant} ({c.claimant_role}) against {c.accused}"
             + (f" ({c.rule})" if c.rule else "") + f", dated {c.date} (report as of {report.as_of})",
             f"weighed:   {c.assessment} — {c.reason}",
             "findings:  " + (", ".join(c.findings) if c.findings else "none")]
    return "\n".join(lines) + "\n"


def _admits_type(cond: Mapping[str, Any], event_type: str) -> bool:
    """Could this condition match an event of this type (judged by its necessary conditions, as the pre-filter is)?"""
    return any("type" not in g or event_type in g["type"] for g in conditions.guards(cond))


def explain_uncited(report: Report, event: Event) -> str:
    """An evaluated event no finding cites: say so, and which rules would have looked at it."""
    lines = [f"event:     {_event_line(event)}"]
    if event.date > report.as_of:
        lines.append(f"status:    dated after the report date ({report.as_of}): not judged")
        return "\n".join(lines) + "\n"
    lines.append("status:    evaluated; no finding cites it")
    in_force = [r for r in report.agreement.rules if r.in_force(event.date) or r.traits.deadline]
    readers = [(r, [c for c in r.conditions if _admits_type(c, event.type)]) for r in in_force]
    readers = [(r, conds) for r, conds in readers if conds]
    if readers:
        lines.append("rules with a condition on its type, whose other terms it does not meet:")
        lines += [f"  - {r.version}: {' / '.join(conditions.as_text(c) for c in conds)}" for r, conds in readers]
    else:
        lines.append(f"no rule in force on {event.date} reads events of type '{event.type}'")
    if event.actor == UNKNOWN:
        lines.append("nobody claimed it (actor unknown): an unattributed act is never a party's finding")
    return "\n".join(lines) + "\n"
