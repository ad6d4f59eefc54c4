"""The event field `episode` (issue 24, commitment-semantics §5.10): a label the analyst gives the
acts of one episode (a battle recorded as several events), so that counts say it once.

It must be a short text or a whole number: a list or a mapping would name several episodes, and an
empty label none. Checked at intake, so a bad label is a rejected row with its file:line."""
from __future__ import annotations

from typing import Any, Mapping, Optional

MAX_LABEL = 200  # characters: a label, not a description


def problem(data: Mapping[str, Any]) -> Optional[str]:
    """Why the row's `episode` cannot be used, or None (absent, or a usable label)."""
    value = data.get("episode")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return f"episode must be a short text naming the episode (or a whole number), got {type(value).__name__}"
    text = str(value).strip()
    if not text:
        return "episode is empty: leave it out, or name the episode the act belongs to"
    if len(text) > MAX_LABEL:
        return f"episode is {len(text):,} characters long; a label of at most {MAX_LABEL} names an episode"
    return None
