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


# Issue 24: the section listing acts nobody claimed, and what the per-party table's cells mean.
UNCLAIMED_HEADING = ("Acts nobody claimed (actor unknown): each breaches no party's commitment and justifies no "
                     "party's act; listed with the commitments it would bear on, were that party its actor")
PARTY_LEGEND = ("alleged: claims against the party that no finding bears out (not claims made by it); "
                "n (e ep., d distinct): n findings, in e episodes (acts of one rule, party and status at one place, "
                "each at most 3 days after the one before, or sharing an event's episode label), d once a fact "
                "breaching several rules is counted once")
