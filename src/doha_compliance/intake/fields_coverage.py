"""A monitor's statement of compliance (issue 24): `states: complied` with `states_from`/`states_to`.

A monitor or oversight body that reports a party complied with a rule over a span is evidence for
that span (the judge counts it only from a claimant the agreement lists in `monitors`, naming the
rule and the party in `rule` and `accused`). Checked here, at intake, so a malformed statement is
a rejected row with its file:line, never a silently ignored one.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Optional, Tuple

FIELDS = ("states", "states_from", "states_to")
STATES = ("complied",)


def _day(value: Any) -> Optional[dt.date]:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def problem(data: Mapping[str, Any]) -> Optional[Tuple[str, str]]:
    """(field, reason) for a row whose statement fields are wrong, else None."""
    if not any(name in data for name in FIELDS):
        return None
    states = data.get("states")
    if states not in STATES:
        if states is None:
            return "states", "states_from and states_to go with `states: complied` (a statement of compliance)"
        return "states", f"states must be one of {', '.join(STATES)}, got {str(states)[:40]!r}"
    for name in ("states_from", "states_to"):
        if name not in data:
            return name, f"a statement of compliance needs {name} (the span it speaks for, YYYY-MM-DD)"
        if _day(data[name]) is None:
            return name, f"{name} must be a day written YYYY-MM-DD, got {str(data[name])[:40]!r}"
    start, end = _day(data["states_from"]), _day(data["states_to"])
    assert start is not None and end is not None
    if end < start:
        return "states_to", f"states_to ({end}) is before states_from ({start})"
    for name in ("rule", "accused"):
        if not data.get(name):
            return name, f"a statement of compliance names the {name} it speaks for"
    return None
