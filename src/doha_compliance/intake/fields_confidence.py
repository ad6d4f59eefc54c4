"""The fields that say how certain an event is (issue 24, confidence per finding), checked at intake.

`source_count` (independent sources, a whole number >= 1), `own_account` (the only source is the acting
party's own account), `derived` (a figure the recorder derived), `date_uncertain` (true, or text saying
why) and `type_uncertain` (other event types of the agreement's vocabulary the act may be). They live in
`Event.extra`; a row's values are put in one form here (CSV cells are text: "2", "true", "a; b"), so the
judges read a number, a boolean, a text and a list, never a spelling. Absent (or an empty cell) means
"not stated", never "uncertain". A bad value rejects the row like any other field.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping

from doha_compliance._util.values import read_whole, shown

FIELDS = ("source_count", "own_account", "derived", "date_uncertain", "type_uncertain")
_TRUE = ("true", "yes")
_FALSE = ("false", "no")


def _flag(name: str, value: Any, problem: Callable[[str, str], Exception]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise problem(name, f"{name} must be true or false, got {shown(value)}")


def _types(value: Any, types: Mapping[str, str], own: str, problem: Callable[[str, str], Exception]) -> List[str]:
    """A list of event types, or text naming them separated by ';' or ',' (a CSV cell)."""
    name = "type_uncertain"
    items: Any = value
    if isinstance(value, str):
        items = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
    if not isinstance(items, list) or not items:
        raise problem(name, f"{name} must list the other event types the act may be (e.g. [territory_transfer]), "
                            f"got {shown(value)}")
    out: List[str] = []
    for item in items:
        word = types.get(item) if isinstance(item, str) else None
        if word is None:
            raise problem(name, f"{name}: unknown event type {shown(item)}; the agreement's types are "
                                f"{', '.join(sorted(types))}")
        if word == own:
            raise problem(name, f"{name} lists {word}, the event's own type: list the other types it may be")
        if word not in out:
            out.append(word)
    return out


def check(data: Dict[str, Any], types: Mapping[str, str], own_type: str,
          problem: Callable[[str, str], Exception]) -> None:
    """Check the row's confidence fields and put them in one form, in `data` itself (its extra fields
    are copied from it afterwards); raise `problem(field, reason)` for a bad value. An empty value is
    dropped: not stated."""
    for name in FIELDS:
        if name in data and (data[name] is None or (isinstance(data[name], str) and not data[name].strip())):
            del data[name]
    if "source_count" in data:
        try:
            number = read_whole(data["source_count"])
        except ValueError as exc:
            raise problem("source_count", f"source_count {exc}") from None
        if number < 1:
            raise problem("source_count", f"source_count counts independent sources: at least 1, got {number}")
        data["source_count"] = number
    for name in ("own_account", "derived"):
        if name in data:
            data[name] = _flag(name, data[name], problem)
    if "date_uncertain" in data:
        value = data["date_uncertain"]
        if isinstance(value, str) and value.strip().lower() not in _TRUE + _FALSE:
            data["date_uncertain"] = value.strip()
        else:
            data["date_uncertain"] = _flag("date_uncertain", value, problem)
    if "type_uncertain" in data:
        data["type_uncertain"] = _types(data["type_uncertain"], types, own_type, problem)
    if data.get("own_account") is True and data.get("source_count", 1) > 1:
        raise problem("own_account", f"own_account says the only source is the acting party's own account, but "
                                     f"source_count is {data['source_count']}")
