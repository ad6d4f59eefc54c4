"""The Markdown report: for pasting into briefs. A summary table per party, then every finding.

Every text that comes from an input (ids, reasons, sources, places, titles) is made inert: no
raw HTML (`<`, `>`, `&` become entities), no line break, no `|` that would end a table cell,
no Markdown formatting. Ids are shown as code when they hold nothing that could break out of it.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from doha_compliance.judging.links import FirstDefault
from doha_compliance.report.counts import cell_text
from doha_compliance.report.report import IMPORT_OUTCOMES, Report

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

_BREAKS = re.compile("\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_MARKUP = re.compile(r"([\\`*\[\]|~#!]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")  # an intraword _ is no markup
_NOT_IN_CODE = re.compile("[`<>&|\\\\\x00-\x1f\x7f\x85\u2028\u2029]")


def _cell(value: object) -> str:
    """Input text as inert Markdown, on one line (a table cell, a list item, a heading)."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKUP.sub(r"\\\1", _BREAKS.sub(" ", text))


def _code(value: object) -> str:
    """An id as code (`id`), or as inert text when it holds a character code could not keep inert."""
    text = str(value)
    return f"`{text}`" if text and not _NOT_IN_CODE.search(text) and text.strip() == text else _cell(text)


def _defaults_table(parties: Iterable[FirstDefault]) -> Iterator[str]:
    yield ""
    yield "| date | party | first default | finding |"
    yield "| --- | --- | --- | --- |"
    for d in parties:
        if d.date is None:
            yield f"| — | {_cell(d.party)} | no default in the input | — |"
        else:
            yield (f"| {d.date} | {_cell(d.party)} | {_cell(default_words(d.status))} {_code(d.rule)} | "
                   f"{_code(d.finding)} |")


def render_md(report: Report) -> str:
    return "".join(line + "\n" for line in md_lines(report))


def md_lines(report: Report) -> Iterator[str]:
    """The report's lines, one at a time: a report on millions of events is never held whole."""
    parties = report.parties
    inputs = report.inputs
    yield f"# Compliance report: {_cell(report.agreement.title)}"
    yield ""
    yield (f"As of **{report.as_of}**. Events read: {inputs.read} — evaluated {inputs.evaluated} "
        f"({inputs.after_as_of} dated after the report date), rejected {inputs.rejected}"
        + (f", outside the agreement's area and period {inputs.outside}. " if inputs.outside else ". ")
        + _cell(report.coverage.describe(report.judged)))
    if (left_out := left_out_words(report.min_confidence, report.left_out)) is not None:
        yield ""
        yield f"**{_cell(left_out)}**"
    yield ""
    if report.agreement.source:
        yield _cell(rules_line(report.agreement.source))
        yield ""
    if report.sources:
        yield f"{COVERAGE_HEADING}:"
        yield ""
        for line in coverage_lines(report.sources):
            yield f"- {_cell(line)}"
    else:
        yield _cell(NO_COVERAGE)
    yield ""
    yield "## Summary"
    yield ""
    tally = report.counts  # issue 24: episodes and distinct facts beside the findings
    yield "| party | " + " | ".join(tally.statuses()) + " |"
    yield "| --- | " + " | ".join("---:" for _ in tally.statuses()) + " |"
    for party in parties:
        yield f"| {_cell(party)} | " + " | ".join(cell_text(tally.of(party, s)) for s in tally.statuses()) + " |"
    yield ""
    yield _cell(PARTY_LEGEND) + "."
    yield ""
    shown = [s for s in tally.statuses() if any(tally.of(p, s).findings for p in parties)]
    yield "By basis of the rule (public text, reported terms) and modality:"
    yield ""
    yield "| party | basis | modality | " + " | ".join(shown) + " |"
    yield "| --- | --- | --- | " + " | ".join("---:" for _ in shown) + " |"
    for party in parties:
        for basis, modality in tally.groups(party):
            yield (f"| {_cell(party)} | {_cell(basis)} | {_cell(modality)} | "
                   + " | ".join(cell_text(tally.of(party, s, (basis, modality))) for s in shown) + " |")
    yield ""
    yield "## Findings"
    for party, counts in parties.items():
        if not any(counts.values()):
            continue
        yield ""
        yield f"### {_cell(party)}: {_cell(report.agreement.parties.get(party, party))}"
        for f in report.findings:
            if f.party != party:
                continue
            rule = report.rule_version(f.version)
            version = f" (version {_code(f.version)})" if f.version != f.rule else ""
            yield ""
            yield f"#### {f.date} — {f.status}: {_cell(rule.title)}"
            yield ""
            yield f"- **Rule:** {_code(f.rule)}{version}, basis: {_cell(rule.basis)}"
            yield f"- **Clause:** {_cell(rule.source)}"
            if f.due:
                yield f"- **Due:** {f.due}"
            yield f"- **Reason:** {_cell(f.reason)}"
            if f.magnitude:  # issue 25: the stated proportion, as weighed
                yield f"- **Proportion:** {_cell(f.magnitude)}"
            yield "- **Evidence:** " + (", ".join(_code(e) for e in f.evidence) or "none")
            if f.verification:  # issues 25/26 (§5.12)
                yield "- **Verification:** " + _cell(f.verification)
            if f.clock:  # issue 26 (§5.17)
                yield "- **Clock:** " + _cell(f.clock)
            yield "- **Confidence:** " + _cell(confidence_words(f.confidence, f.confidence_reasons, f.evidence))
            if f.episode and f.episode != f.id:  # issue 24: part of an episode begun earlier, or labelled
                yield f"- **Episode:** {_code(f.episode)}"
            if f.blocked_by:  # issue 25: the findings in default that keep it from being performed
                yield "- **Blocked by:** " + ", ".join(_code(b) for b in f.blocked_by)
            if f.performed_by:
                yield "- **Performed by:** " + ", ".join(_cell(report.agreement.label(p)) for p in f.performed_by)
            if f.claims:
                yield "- **Claims about it:** " + ", ".join(_code(c) for c in f.claims)
            if f.linked:
                yield "- **Linked, on that date:** " + "; ".join(_cell(link.describe()) for link in f.linked)
            for other in f.readings:
                yield "- **Another reading:** " + _cell(reading_words(report.agreement, other))
    for role, heading, _verb in CLAIM_SECTIONS:
        claims = [c for c in report.claims if c.claimant_role == role]
        if not claims:
            continue
        yield ""
        yield f"## {heading}"
        yield ""
        yield "| date | claim | by | against | rule | about | assessment | findings |"
        yield "| --- | --- | --- | --- | --- | --- | --- | --- |"
        for c in claims:
            by = claimant_words(c.claimant, c.claimant_role, c.claimant_part_of, c.independent)
            yield (f"| {c.date} | {_code(c.event)} | {_cell(by)} | {_cell(c.accused)} | "
                   f"{_cell(c.rule or '—')} | {', '.join(_code(a) for a in c.about) or '—'} | "
                   f"{_cell(assessment_words(c.assessment, c.supported_by))} | "
                   + (", ".join(_code(x) for x in c.findings) or "—") + " |")
    if report.defaults:
        yield ""
        yield "## Who defaulted first, among linked commitments"
        for group in report.defaults:
            yield ""
            yield "Commitments: " + ", ".join(_code(r) for r in group.rules)
            note = primary_note(report.agreement, group.rules)
            if note:
                yield ""
                yield _cell(note)
            yield from _defaults_table(group.parties)
            for order in group.readings:
                yield ""
                yield "*" + _cell(order_words(report.agreement, order)) + "*"
                if not order.same:
                    yield from _defaults_table(order.parties)
    if report.agreement.readings:
        yield ""
        yield "## Contested readings"
        yield ""
        yield "Every finding is also judged under these; a finding shows its status under a reading where it differs."
        for heading, lines in reading_lines(report.agreement):
            yield ""
            yield f"- **{_cell(heading)}**" + "".join(f"; {_cell(line)}" for line in lines)
    from .time import score_md, series_md  # issue 15
    yield from score_md(report)
    yield from series_md(report)
    if report.unattributed:  # issue 24
        yield ""
        yield "## Acts nobody claimed"
        yield ""
        yield _cell(UNCLAIMED_HEADING) + "."
        yield ""
        yield "| date | event | type | province | place | would bear on |"
        yield "| --- | --- | --- | --- | --- | --- |"
        for u in report.unattributed:
            seen_by = f" (observed by {_cell(u.observed_by)}, monitor)" if u.observed_by else ""  # issues 25/26
            yield (f"| {u.date} | {_code(u.event)}{seen_by} | {_cell(u.type)} | {_cell(u.province or '—')} | "
                   f"{_cell(u.place or '—')} | {_cell(u.describe_bears_on())} |")
    if report.not_assessed:
        yield ""
        yield "## Not assessed"
        yield ""
        yield "The input cannot speak for these: missing data is not evidence of a breach."
        yield ""
        for n in report.not_assessed:
            version = "" if n.version == n.rule else f", version {_code(n.version)}"
            yield f"- {_code(n.rule)} ({_cell(n.party)}{version}): {_cell(n.reason)}"
    if report.events:
        yield ""
        yield "## Evidence"
        yield ""
        yield "| id | date | type | actor | where | source |"
        yield "| --- | --- | --- | --- | --- | --- |"
        for e in report.events:
            place = ", ".join(x for x in (e.province, e.place) if x) or "—"
            yield (f"| {_code(e.id)} | {e.date} | {_cell(e.type)} | {_cell(e.actor)} | {_cell(place)} | "
                   f"{_cell(e.source or '—')} |")
    yield ""
    yield "## Rows by mapping outcome"
    yield ""
    yield ("Evaluated rows of each input: actor a party, `other` (no party), `unknown` (the source does not identify "
           "it), or undirected (both sides kept, no attacker recorded); and rows of type `other`.")
    yield ""
    yield "| file | format | evaluated | " + " | ".join(IMPORT_OUTCOMES) + " | type other |"
    yield "| --- | --- | ---: | " + " | ".join("---:" for _ in IMPORT_OUTCOMES) + " | ---: |"
    labels = report.import_labels
    for i in report.imports:
        yield (f"| {_code(labels[i.file])} | {i.format} | {i.evaluated} | " + " | ".join(str(n) for _, n in i.actors)
               + f" | {i.other_type} |")
    if report.rejected:
        yield ""
        yield "## Rejected events"
        yield ""
        for r in report.rejected:
            yield f"- {_code(r.where)} {_code(r.id) if r.id else ''}: {_cell(r.reason)}"
