"""The words every report format shares, in one place: a heading or a phrase changed here changes
in the text, Markdown and HTML reports alike. Format modules import each other's wording only
through this module (no format module imports another)."""
from __future__ import annotations

import os
from typing import Optional, Tuple

from doha_compliance.models import RuleSource

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
