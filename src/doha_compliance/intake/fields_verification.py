"""The fields that make a monitor's word evidence (issues 25 and 26, commitment-semantics §5.12), checked at intake.

- `verifies`: the event ids a monitor's verification verifies (a list, or one id); only on an event whose
  actor is a monitor of the agreement — a party checking its own declaration verifies nothing.
- `finds`: what the verification found, `complete` or `incomplete` (absent: complete); only beside
  `verifies` or `verified_by`.
- `verified_by`: shorthand on a declaration — the named monitor verified this very event, the same day.
- `observed_by`: the monitor that observed this act (its actor may be a party, or `unknown`).
- `percent`: a running percentage (0-100) stated by a declaration or a verification.

A monitor is an actor whose role is `monitor` (declared under `claimants:`, or listed in `monitors`):
naming anyone else is a mistake in the record, rejected with the reason, never silently ignored. The
values are put in one form here (`verifies` a tuple of ids, `percent` a number), so both judges read them
alike. They live in `Event.extra`.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Tuple

from doha_compliance._util.values import shown
from doha_compliance.models import Agreement

from . import fields_about

FIELDS = ("verifies", "finds", "verified_by", "observed_by", "percent")
FINDS = ("complete", "incomplete")


def _monitor(agreement: Agreement, name: str, value: Any, problem: Callable[[str, str], Exception]) -> str:
    if not isinstance(value, str) or not value.strip():
        raise problem(name, f"{name} must name a monitor of the agreement, got {shown(value)}")
    word = value.strip()
    if agreement.role(word) != "monitor":
        monitors = sorted(n for n in {*agreement.monitors, *agreement.claimants} if agreement.role(n) == "monitor")
        listed = ", ".join(monitors) if monitors else "none is declared (claimants: with role monitor)"
        raise problem(name, f"{name}: {word} is not a monitor of this agreement (its monitors: {listed})")
    return word


def _percent(value: Any, problem: Callable[[str, str], Exception]) -> float:
    number: Any = value
    if isinstance(value, str):
        try:
            number = float(value.strip().rstrip("%").strip())
        except ValueError:
            number = None
    if isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 <= number <= 100:
        raise problem("percent", f"percent must be a number from 0 to 100, got {shown(value)}")
    return int(number) if float(number).is_integer() else float(number)


def check(data: Dict[str, Any], agreement: Agreement, actor: str, problem: Callable[[str, str], Exception]) -> None:
    """Check the row's verification fields and put them in one form, in `data` itself (its extra fields are
    copied from it afterwards); raise `problem(field, reason)` for a bad value. An empty value is dropped."""
    if not any(name in data for name in FIELDS):
        return
    for name in FIELDS:
        if name in data and (data[name] is None or (isinstance(data[name], str) and not data[name].strip())):
            del data[name]
    if "verifies" in data:
        value = data["verifies"]
        if isinstance(value, str) and ";" in value:  # a CSV cell: "a; b"
            value = [p.strip() for p in value.split(";") if p.strip()]
        why = fields_about.problem(value)
        if why is not None:
            raise problem("verifies", why.replace("about", "verifies", 1).replace("the claim is", "the event is"))
        if agreement.role(actor) != "monitor":
            raise problem("verifies", f"verifies is a monitor's verification, but {actor} is not a monitor of this "
                                      "agreement (a party's own statement verifies nothing: record it as a claim)")
        ids: Tuple[str, ...] = tuple(str(v).strip() for v in (value if isinstance(value, list) else [value]))
        data["verifies"] = list(ids)
    for name in ("verified_by", "observed_by"):
        if name in data:
            data[name] = _monitor(agreement, name, data[name], problem)
    if "finds" in data:
        finds = data["finds"].strip().lower() if isinstance(data["finds"], str) else data["finds"]
        if finds not in FINDS:
            raise problem("finds", f"finds must be complete or incomplete, got {shown(data['finds'])}")
        if "verifies" not in data and "verified_by" not in data:
            raise problem("finds", "finds says what a verification found: give it with verifies (or verified_by)")
        data["finds"] = finds
    if "percent" in data:
        data["percent"] = _percent(data["percent"], problem)
