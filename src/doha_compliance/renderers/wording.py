"""The words every report format shares, in one place: a heading or a phrase changed here changes
in the text, Markdown and HTML reports alike. Format modules import each other's wording only
through this module (no format module imports another)."""
from __future__ import annotations

import os
from typing import Iterable, List, Optional, Sequence, Tuple

from doha_compliance.judging.links import ReadingOrder
from doha_compliance.models import NO_FINDING, Agreement, ReadingStatus, RuleSource, SourceCoverage

# Claims by who makes them: a party's accusation, a monitor's, an oversight body's or the media's
# report, anyone else's. (role, section heading, the verb a claim of that role is shown with)
CLAIM_SECTIONS: Tuple[Tuple[str, str, str], ...] = (
    ("party", "Claims by parties, set beside the evidence", "accuses"),
    ("monitor", "Reports by monitors (third parties, not a party's allegation)", "reports on"),
    ("oversight", "Reports by oversight bodies (not a party's allegation; each named with the party it belongs to)",
     "reports on"),
    ("media", "Reports in the media (not a party's allegation)", "reports on"),
    ("other", "Claims by others, set beside the evidence", "accuses"),
)

# How a claim's assessment reads (issue 24): what it can and cannot be said to show.
_ASSESSMENT_WORDS = {
    "not_testable": "not testable by this rule",
    "outside_rules": "outside the agreement's rules",
}


def assessment_words(assessment: str, supported_by: Optional[int] = None) -> str:
    """"corroborated", "not testable by this rule", "supported by 3 independent reports"."""
    if assessment == "supported":
        return f"supported by {supported_by} independent reports"
    return _ASSESSMENT_WORDS.get(assessment, assessment)


def claimant_words(claimant: str, role: str, part_of: Optional[str], independent: bool) -> str:
    """"un (monitor; independent)", "lead_ig (oversight, part of us; independent)", "taliban (party)": who
    says it, always with its standing (a party's word is never independent, and is not said to be)."""
    part = f", part of {part_of}" if part_of else ""
    if role in ("party", "other"):
        return f"{claimant} ({role}{part})"
    return f"{claimant} ({role}{part}; {'independent' if independent else 'not independent of the accused'})"


def default_words(status: Optional[str]) -> str:
    """How a first default reads: "violation of X", "missed X"."""
    return "violation of" if status == "violation" else str(status)


# Issue 24: the section listing acts nobody claimed, and what the per-party table's cells mean.
UNCLAIMED_HEADING = ("Acts nobody claimed (actor unknown): each breaches no party's commitment and justifies no "
                     "party's act; listed with the commitments it would bear on, were that party its actor")
PARTY_LEGEND = ("alleged: claims against the party that no finding bears out (not claims made by it); "
                "n (e ep., d distinct): n findings, in e episodes (acts of one rule, party and status at one place, "
                "each at most 3 days after the one before, or sharing an event's episode label), d once a fact "
                "breaching several rules is counted once")


def rules_line(source: Optional[RuleSource]) -> str:
    """Which rule folder a report used, and the first 12 hex digits of its files' sha256 (issue 23: a
    local ./doha wins over the bundled doha, and a reader must be able to tell): "Rules: doha
    (bundled) sha256 0123456789ab". Empty for a rule set built in memory by hand."""
    if source is None:
        return ""
    if source.bundled:
        return f"Rules: {source.name} (bundled) sha256 {source.sha256[:12]}"
    separators = [s for s in (os.sep, os.altsep, "/") if s]
    shown = source.folder if any(s in source.folder for s in separators) else "./" + source.folder
    kind = "a local folder, not the bundled set" if source.shadows else "a local folder"
    return f"Rules: {shown} ({kind}) sha256 {source.sha256[:12]}"


# Issue 24: what the inputs declare they record systematically, the header block of every format.
COVERAGE_HEADING = "Declared coverage (only over these does the absence of a recorded breach count as compliance)"
NO_COVERAGE = ("Declared coverage: none. No input declares what it records systematically, so silence is not "
               "compliance: no commitment is complied and no month scores 3 on the strength of an absence.")


def coverage_lines(sources: Iterable[SourceCoverage]) -> List[str]:
    """One line per declaration: source, types, area, span, who declared it."""
    return [s.describe() for s in sources]


def confidence_words(level: Optional[str], reasons: Tuple[str, ...], evidence: Tuple[str, ...]) -> str:
    """A finding's confidence as every format shows it (issue 24): "medium (one source; date uncertain)";
    "not rated (rests on no event)" for a finding no event bears on."""
    if level is None:
        return "not rated (rests on no event)" if not evidence else "not rated"
    return level + (f" ({'; '.join(reasons)})" if reasons else "")


def left_out_words(min_confidence: Optional[str], left_out: int) -> Optional[str]:
    """The header line of a report filtered by confidence: how many findings it leaves out (never silently)."""
    if not min_confidence:
        return None
    return (f"Only findings of {min_confidence} confidence or more are listed and counted "
            f"(--min-confidence {min_confidence}): {left_out} rated below it left out.")


# Contested readings (issue 24): how a finding's status under another reading, the primary reading
# of a group's rules and each reading itself read, in every format.
def reading_name(agreement: Agreement, reading_id: str) -> str:
    """"taliban-on-the-spot (taliban's reading)"."""
    reading = agreement.reading(reading_id)
    return reading.label() if reading is not None else reading_id


def reading_words(agreement: Agreement, status: ReadingStatus) -> str:
    """"under the reading X (whose's reading): violation — why"."""
    said = "no such finding" if status.status == NO_FINDING else status.status
    return f"under the reading {reading_name(agreement, status.reading)}: {said} — {status.reason}"


def primary_note(agreement: Agreement, rules: Sequence[str]) -> Optional[str]:
    """Which reading an order of defaults uses, where a rule of the group has another reading."""
    contested = [r for r in rules if any(r in reading.changes for reading in agreement.readings)]
    if not contested:
        return None
    named = "; ".join(f"{r}: {agreement.primary_reading(r).label()}" for r in contested)
    return f"Under each rule's primary reading ({named}; the others as written)."


def order_words(agreement: Agreement, order: ReadingOrder) -> str:
    """The heading of an order under another reading, or the line saying it is the same."""
    name = reading_name(agreement, order.reading)
    return f"under the reading {name}: the same order" if order.same else f"under the reading {name}:"


def reading_lines(agreement: Agreement) -> List[Tuple[str, List[str]]]:
    """Each reading as a heading and its lines: the primary readings of contested rules, then each
    alternative reading with whose it is, its words (a quote, or a paraphrase said to be one), its
    source and the fields it reads otherwise."""
    out: List[Tuple[str, List[str]]] = []
    contested = sorted({r for reading in agreement.readings for r in reading.changes})
    for rule in contested:
        own = agreement.primary_reading(rule)
        out.append((f"{rule}: primary reading {own.label()}", [f"source: {own.source}"] if own.source else []))
    for reading in agreement.readings:
        lines = [reading.words()] if reading.words() else []
        lines.append(f"source: {reading.source}")
        lines.append("reads otherwise: " + "; ".join(f"{rule} ({', '.join(fields)})"
                                                     for rule, fields in reading.changes.items()))
        if reading.note:
            lines.append(f"note: {reading.note}")
        out.append((f"alternative reading {reading.label()}", lines))
    return out
