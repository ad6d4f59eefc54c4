"""`about:` on a claim or report (issue 24): the events it is about, so that it is weighed against
what was found about those very acts, whatever their age, rather than against a window of days.

A list of event ids, or one id. Whether each id is in the input is not checked here (an id may name
an event of another file, or one not given at all): the claim's reason says so, not a rejection."""
from __future__ import annotations

from typing import Any, Optional

from doha_compliance._util.values import shown

MAX_ABOUT = 1_000  # ids one claim may name: a claim about more acts than this is a report, split it


def _bad_id(value: Any) -> bool:
    return isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == ""


def problem(value: Any) -> Optional[str]:
    """Why an `about` value is not a list of event ids (or one id); None when it is (or is absent)."""
    if value is None:
        return None
    if not isinstance(value, list):
        return None if not _bad_id(value) else f"about must be an event id or a list of event ids, got {shown(value)}"
    if not value:
        return "about must name at least one event id (leave it out when the claim is about no event in particular)"
    if len(value) > MAX_ABOUT:
        return f"about names {len(value):,} events; at most {MAX_ABOUT:,} (split the report)"
    for item in value:
        if _bad_id(item):
            return f"about must list event ids (text), got {shown(item)} among them"
    if len(set(map(str, value))) < len(value):
        return "about lists an event id twice"
    return None
