"""The text report: a per-party summary table and the findings, drawn with rich.

Output to a file or pipe has a fixed width and no colour, so it is byte-stable.
"""
from __future__ import annotations

import io
import re
import textwrap
from typing import Any, Dict, Iterator

from rich import box
from rich.console import Console
from rich.table import Table

from doha_compliance.models import SHOWN_WHEN_FOUND, STATUS_MEANINGS, Agreement, Rule, Trigger
from doha_compliance.report.counts import Tally, cell_text, distinct_lines
from doha_compliance.report.report import IMPORT_OUTCOMES, Report
from doha_compliance.rules import conditions

from .wording import (
    CLAIM_SECTIONS,
    COVERAGE_HEADING,
    NO_COVERAGE,
    PARTY_LEGEND,
    UNCLAIMED_HEADING,
    assessment_words,
    claimant_words,
    confidence_words,
    coverage_lines,
    default_words,
    left_out_words,
    order_words,
    primary_note,
    reading_lines,
    reading_words,
    rules_line,
)

WIDTH = 110
# Control characters from event text (an ESC starts a terminal escape sequence) are shown, not sent.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """Text safe to print on a terminal: control characters written as \\x1b and the like."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _wrapped(text: str, indent: int = 14) -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=" " * indent, subsequent_indent=" " * indent,
                         break_long_words=False, break_on_hyphens=False)


def text_lines(report: Report, color: bool = False) -> Iterator[str]:
    """The report's lines, one at a time: a report on millions of events is never held whole."""
    parties = report.parties
    inputs = report.inputs

    def out(text: str) -> Iterator[str]:
        for line in text.splitlines() or [""]:
            yield inert(line.rstrip()) + "\n"

    yield from out(f"{report.agreement.title}")
    yield from out(f"Compliance report as of {report.as_of}. Events read {inputs.read}: evaluated {inputs.evaluated}"
                   f" ({inputs.after_as_of} dated after the report date), rejected {inputs.rejected}"
                   + (f", outside the agreement's area and period {inputs.outside}." if inputs.outside else "."))
    if report.agreement.source:
        yield from out(rules_line(report.agreement.source))
    yield from out(report.coverage.describe(report.judged))
    if report.sources:
        yield from out(COVERAGE_HEADING + ":")
        for line in coverage_lines(report.sources):
            yield from out("  " + line)
    else:
        yield from out(NO_COVERAGE)
    if (left_out := left_out_words(report.min_confidence, report.left_out)) is not None:
        yield from out(left_out)
    tally = report.counts  # issue 24: episodes and distinct acts beside the findings
    summary = Table(title="Findings per party", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    summary.add_column("party", no_wrap=True)
    # a status shown only when found (`prevented`, issue 25) gets a line under the table: a tenth column
    # would not fit the fixed width, and the table stays the one every report without it has
    columns = [s for s in tally.statuses() if s not in SHOWN_WHEN_FOUND]
    for status in columns:
        summary.add_column(status, justify="right", no_wrap=True, min_width=len(status))
    for party in parties:
        summary.add_row(party, *(cell_text(tally.of(party, s), distinct=False) for s in columns))
    yield from out(_table_text(summary, color))
    for status in tally.statuses():
        if status in SHOWN_WHEN_FOUND:
            counted = ", ".join(f"{party} {cell_text(tally.of(party, status), distinct=False)}" for party in parties)
            yield from out(_wrapped(f"{status}: {counted} ({STATUS_MEANINGS[status]})", 1))
    for line in distinct_lines(tally, parties):
        yield from out(_wrapped(line, 1))
    yield from out(_wrapped(PARTY_LEGEND + ".", 1))
    yield from out("")
    yield from out("Findings by the rule's basis (public_text: the published text; reported: terms known only from "
                   "reports) and modality")
    yield from out(_table_text(_basis_table(report, tally), color))
    yield from out("")
    for party, counts in parties.items():
        if not any(counts.values()):
            continue
        yield from out(f"{party}: {report.agreement.parties.get(party, party)}")
        for f in report.findings:
            if f.party != party:
                continue
            version = "" if f.version == f.rule else f"  (version {f.version})"
            yield from out(f"  {f.date}  {f.status:<13}  {f.rule}{version}")
            yield from out(_wrapped("evidence: " + (", ".join(f.evidence) or "none"), 18))
            if f.episode and f.episode != f.id:  # issue 24: part of an episode begun earlier, or labelled
                yield from out(_wrapped(f"episode: {f.episode}", 18))
            if f.blocked_by:  # issue 25: the findings in default that keep it from being performed
                yield from out(_wrapped("blocked by: " + ", ".join(f.blocked_by), 18))
            yield from out(_wrapped(f.reason, 18))
            if f.magnitude:  # issue 25: the stated proportion, as weighed
                yield from out(_wrapped(f"proportion: {f.magnitude}", 18))
            if f.verification:  # issues 25/26 (§5.12)
                yield from out(_wrapped("verification: " + f.verification, 18))
            if f.clock:  # issue 26 (§5.17): which clock a step counted from another ran on
                yield from out(_wrapped("clock: " + f.clock, 18))
            confidence = confidence_words(f.confidence, f.confidence_reasons, f.evidence)
            yield from out(_wrapped("confidence: " + confidence, 18))
            if f.linked:
                yield from out(_wrapped("linked, on that date: " + "; ".join(link.describe() for link in f.linked), 18))
            for other in f.readings:
                yield from out(_wrapped(reading_words(report.agreement, other), 18))
        yield from out("")
    for role, heading, verb in CLAIM_SECTIONS:
        claims = [c for c in report.claims if c.claimant_role == role]
        if not claims:
            continue
        yield from out(heading)
        for c in claims:
            yield from out(f"  {c.date}  {assessment_words(c.assessment, c.supported_by):<14}  {c.event}")
            yield from out(_wrapped(f"{claimant_words(c.claimant, c.claimant_role, c.claimant_part_of, c.independent)} "
                                    f"{verb} {c.accused} ({c.rule or 'no rule named'})", 18))
            if c.about:
                yield from out(_wrapped("about: " + ", ".join(c.about), 18))
            yield from out(_wrapped("findings: " + (", ".join(c.findings) or "none"), 18))
            yield from out(_wrapped(c.reason, 18))
        yield from out("")
    if report.defaults:
        yield from out("Who defaulted first, among linked commitments")
        for group in report.defaults:
            yield from out(_wrapped("commitments: " + ", ".join(group.rules), 2))
            note = primary_note(report.agreement, group.rules)
            if note:
                yield from out(_wrapped(note, 4))
            yield from _default_lines(group.parties, out)
            for order in group.readings:
                yield from out(_wrapped(order_words(report.agreement, order), 4))
                yield from _default_lines(order.parties, out, 2)
        yield from out("")
    if report.agreement.readings:
        yield from out("Contested readings: every finding is also judged under these; a finding shows its status "
                       "under a reading where it differs")
        for heading, lines in reading_lines(report.agreement):
            yield from out(_wrapped(heading, 2))
            for line in lines:
                yield from out(_wrapped(line, 6))
        yield from out("")
    from .time import score_text, series_text  # issue 15
    for line in (*score_text(report), *series_text(report)):
        yield from out(line)
    if report.unattributed:  # issue 24
        yield from out(_wrapped(UNCLAIMED_HEADING, 0))
        for u in report.unattributed:
            where = f" in {u.province}" if u.province else ""
            where += f" ({u.place})" if u.place and u.province else (f" in {u.place}" if u.place else "")
            seen_by = f"  (observed by {u.observed_by}, monitor)" if u.observed_by else ""  # issues 25/26
            yield from out(f"  {u.date}  {u.type}{where}  {u.event}{seen_by}")
            yield from out(_wrapped("would bear on: " + u.describe_bears_on(), 18))
        yield from out("")
    if report.not_assessed:
        yield from out("Not assessed: the input cannot speak for these (missing data is not evidence of a breach)")
        for n in report.not_assessed:
            version = "" if n.version == n.rule else f"  (version {n.version})"
            yield from out(f"  {n.rule} ({n.party}){version}")
            yield from out(_wrapped(n.reason, 6))
        yield from out("")
    yield from out(_table_text(_imports_table(report), color))
    if report.rejected:
        yield from out(f"Rejected events ({len(report.rejected)}):")
        for r in report.rejected:
            yield from out(f"  {r.where}: {r.id or '-'}: {r.reason}")


def _basis_table(report: Report, tally: Tally) -> Table:
    """Issue 24: each party's findings by the rule's basis and modality, so that a headline count
    says how much rests on the public text and how much on reported terms."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    rows = [(party, basis, modality) for party in report.parties for basis, modality in tally.groups(party)]
    for n, name in enumerate(("party", "basis", "modality")):
        table.add_column(name, no_wrap=True, min_width=max([len(name)] + [len(row[n]) for row in rows]))
    shown = [s for s in tally.statuses() if any(tally.of(p, s).findings for p in report.parties)]
    for status in shown:  # a narrow column wraps its heading, never a count
        table.add_column(status, justify="right", no_wrap=True)
    for party, basis, modality in rows:
        table.add_row(party, basis, modality,
                      *(cell_text(tally.of(party, s, (basis, modality)), distinct=False) for s in shown))
    return table


def _default_lines(parties: Any, out: Any, indent: int = 0) -> Iterator[str]:
    pad = " " * (4 + indent)
    for d in parties:
        if d.date is None:
            yield from out(f"{pad}{d.party}: no default in the input")
        else:
            yield from out(f"{pad}{d.date}  {d.party}: {default_words(d.status)} {d.rule} ({d.finding})")


def _table_text(table: Table, color: bool = False) -> str:
    """A rich table as text: fixed width, and no colour unless asked, so the bytes are stable."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=WIDTH, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, emoji=False, markup=False, legacy_windows=False)
    console.print(table)
    return buffer.getvalue()


def _imports_table(report: Report) -> Table:
    table = Table(title="Rows by mapping outcome (actor: a party, other = no party, unknown = not identified by the "
                        "source, undirected = both sides kept, no attacker recorded)",
                  box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("file", overflow="fold")
    table.add_column("format")
    for name in ("evaluated", *IMPORT_OUTCOMES, "type other"):
        table.add_column(name, justify="right")
    labels = report.import_labels
    for i in report.imports:
        table.add_row(labels[i.file], i.format, str(i.evaluated), *(str(n) for _, n in i.actors), str(i.other_type))
    return table


def _more(result: Dict[str, Any], key: str, what: str) -> str:
    """The line after a table `mapping check` cut: how many names it left out, and their rows."""
    more = result.get(f"{key}_more")
    if not more:
        return ""
    return (f"… and {more:,} more {what} ({result[f'{key}_more_rows']:,} rows), not listed: the "
            f"{len(result[key]):,} in most rows are.\n\n")


def render_mapping_check(result: Dict[str, Any]) -> str:
    """`mapping check` as text: what each actor name and event type of an export maps to."""
    actors = Table(title=f"Actor names in {result['file']} ({result['rows']} rows; mapping {result['mapping']})",
                   box=box.SIMPLE_HEAD, title_justify="left")
    actors.add_column("actor name (actor and target columns)", overflow="fold")
    actors.add_column("maps to")
    actors.add_column("rows", justify="right")
    actors.add_column("by entry", overflow="fold")
    for a in result["actors"]:
        actors.add_row(a["name"], a["party"], str(a["rows"]), a["pattern"] or "(no entry matches: other)")
    types = Table(title="Event types", box=box.SIMPLE_HEAD, title_justify="left")
    types.add_column("export's type", overflow="fold")
    types.add_column("maps to")
    types.add_column("rows", justify="right")
    for t in result["event_types"]:
        types.add_row(t["name"] or "(no type columns)", t["type"] + (" (undirected: no actor, both sides kept)"
                                                                     if t["undirected"] else ""), str(t["rows"]))
    text = _table_text(actors) + _more(result, "actors", "actor names") + _table_text(types) \
        + _more(result, "event_types", "event types")
    if result["malformed"]:
        text += (f"{result['malformed']} rows are malformed (an empty required cell, a bad date or number): a report "
                 "lists them as rejected, with the reason.\n")
    if result["unread_columns"]:
        text += (f"Columns the mapping tests that this file lacks (those tests never hold): "
                 f"{', '.join(result['unread_columns'])}.\n")
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def render_text(report: Report, color: bool = False) -> str:
    return "".join(text_lines(report, color))


def _start_and_due(r: Rule) -> str:
    """What starts a commitment and when it falls due, as `rules list` says them: a deadline counted from
    another rule's fulfilment has no date of its own to show, so the rule it waits for is named."""
    bits = []
    if r.starts_when and (r.starts_when.all_of or r.starts_when.any_of):  # issue 26
        bits.append("starts " + _forms(r.starts_when))
    elif r.starts_when and r.starts_when.rule:
        by = f" by {r.starts_when.party}" if r.starts_when.party else ""  # issue 26
        bits.append(f"starts when {r.starts_when.rule} is fulfilled{by}")
    elif r.starts_when and r.starts_when.when is not None:
        bits.append(f"starts at the first event matching {conditions.as_text(r.starts_when.when)}")
    if r.ends_when:  # issue 26: the commitment ends that day
        bits.append("ends " + _forms(r.ends_when))
    if r.due:
        bits.append(f"due {r.due}")
    elif r.due_from:  # issue 26 (§5.17): counted from another step, per party
        bits.append(f"due {r.due_from.describe()}")
    elif r.due_after_trigger:
        days, months = r.due_after_trigger
        span = " and ".join(x for x in (f"{months} month{'s' if months != 1 else ''}" if months else "",
                                        f"{days} day{'s' if days != 1 else ''}" if days else "") if x) or "0 days"
        bits.append(f"due {span} after it starts")
    return "".join(f" · {b}" for b in bits)


def _forms(t: Trigger) -> str:
    """A start or end as text (issue 26): "when all of: pullback is fulfilled; an event matching type is vote"."""
    words = [f"{leaf.rule} is fulfilled{f' by {leaf.party}' if leaf.party else ''}" if leaf.rule
             else f"an event matching {conditions.as_text(leaf.when or {})}" for leaf in t.leaves]
    if not (t.all_of or t.any_of):
        return f"when {words[0]}"
    which = " (the last)" if t.all_of else " (the first)"
    return f"when {'all' if t.all_of else 'any'} of: " + "; ".join(words) + which


def render_rules(agreement: Agreement) -> str:
    """`rules list`: each rule version with its parties, kind, basis, time in force and source."""
    lines = [f"{agreement.id}: {agreement.title}", f"signed {agreement.signed}; {len(agreement.rule_ids())} rules, "
             f"{len(agreement.rules)} versions", *([rules_line(agreement.source)] if agreement.source else []), ""]
    for r in agreement.rules:
        name = r.id if r.version == r.id else f"{r.id}  (version {r.version}, amends {r.amends})"
        until = r.effective_until or "open-ended"
        lines.append(name)
        lines.append(f"    owed by {', '.join(r.parties)} · {r.kind} · {r.basis} · "
                     f"in force {r.effective_from}{' ' + r.effective_from_time if r.effective_from_time else ''} "
                     f"to {until}" + _start_and_due(r))
        lines.append(textwrap.fill(f"source: {r.source}", width=WIDTH, initial_indent="    ",
                                   subsequent_indent="      "))
        others = [reading.label() for reading in agreement.readings if r.id in reading.changes]
        if others and r.version == r.id:  # contested readings (issue 24)
            lines.append(textwrap.fill(f"primary reading: {agreement.primary_reading(r.id).label()}; also judged under "
                                       + ", ".join(others), width=WIDTH, initial_indent="    ",
                                       subsequent_indent="      "))
    return "\n".join(lines) + "\n"
