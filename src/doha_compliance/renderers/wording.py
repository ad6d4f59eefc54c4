"""The words every report format shares, in one place: a heading or a phrase changed here changes
in the text, Markdown and HTML reports alike. Format modules import each other's wording only
through this module (no format module imports another)."""
from __future__ import annotations

from typing import Iterable, List, Optional, Tuple

from doha_compliance.models import SourceCoverage

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


# Issue 24: what the inputs declare they record systematically, the header block of every format.
COVERAGE_HEADING = "Declared coverage (only over these does the absence of a recorded breach count as compliance)"
NO_COVERAGE = ("Declared coverage: none. No input declares what it records systematically, so silence is not "
               "compliance: no commitment is complied and no month scores 3 on the strength of an absence.")


def coverage_lines(sources: Iterable[SourceCoverage]) -> List[str]:
    """One line per declaration: source, types, area, span, who declared it."""
    return [s.describe() for s in sources]
