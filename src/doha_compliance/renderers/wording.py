"""The words every report format shares, in one place: a heading or a phrase changed here changes
in the text, Markdown and HTML reports alike. Format modules import each other's wording only
through this module (no format module imports another)."""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from doha_compliance.judging.links import ReadingOrder
from doha_compliance.models import NO_FINDING, Agreement, ReadingStatus

# Claims by who makes them: a party's accusation, a monitor's report, anyone else's.
# (role, section heading, the verb a claim of that role is shown with)
CLAIM_SECTIONS: Tuple[Tuple[str, str, str], ...] = (
    ("party", "Claims by parties, set beside the evidence", "accuses"),
    ("monitor", "Reports by monitors (third parties, not a party's allegation)", "reports on"),
    ("other", "Claims by others, set beside the evidence", "accuses"),
)


def default_words(status: Optional[str]) -> str:
    """How a first default reads: "violation of X", "missed X"."""
    return "violation of" if status == "violation" else str(status)


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
