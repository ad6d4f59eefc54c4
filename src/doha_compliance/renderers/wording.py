"""The words every report format shares, in one place: a heading or a phrase changed here changes
in the text, Markdown and HTML reports alike. Format modules import each other's wording only
through this module (no format module imports another)."""
from __future__ import annotations

import os
from typing import Iterable, List, Optional, Tuple

from doha_compliance.models import RuleSource, SourceCoverage

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
