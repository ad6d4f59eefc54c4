"""The words every report format shares, in one place: a heading or a phrase changed here changes
in the text, Markdown and HTML reports alike. Format modules import each other's wording only
through this module (no format module imports another)."""
from __future__ import annotations

from typing import Optional, Tuple

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
