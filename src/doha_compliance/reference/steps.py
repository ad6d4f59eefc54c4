"""The reference's reading of a deadline counted from another step (SPEC §5.17, issue 26), written from
the specification, not from the pipeline: `due: {from: R}` counts from the day the party (or the party
named) fulfilled R; with `or_from: due`, from R's due day once that passed with R not fulfilled by then;
R not assessed: unknown; else not started."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, Optional

from doha_compliance.models import Rule

from ._plain import _offset


def step_clock(rule: Rule, party: str, deadline: Callable[[str, str], Dict[str, Any]],
               as_of: dt.date) -> Optional[Dict[str, Any]]:
    """{"due": the day it falls due or None, "label": which clock ran or None, "unknown": R not assessed};
    None for a rule not counted from a step."""
    step = rule.due_from
    if step is None:
        return None
    whose = step.party if step.party is not None else party
    theirs = deadline(step.rule, whose)
    if theirs["status"] == "not_assessed":
        return {"due": None, "label": None, "unknown": True}
    fulfilled = theirs.get("established") or theirs["done"]  # once verified, where a monitor must verify it
    their_due = theirs["due"] if theirs["status"] != "not_triggered" else None
    defaulted = their_due is not None and as_of > their_due and (fulfilled is None or fulfilled > their_due)
    if step.or_due and defaulted and their_due is not None:
        return {"due": _offset(their_due, step.days, step.months), "unknown": False,
                "label": f"from {step.rule}'s due date {their_due}: {step.rule} defaulted (not met by {whose} by then)"}
    if fulfilled is not None:
        return {"due": _offset(fulfilled, step.days, step.months), "unknown": False,
                "label": f"counted from {step.rule} met by {whose} on {fulfilled}"}
    return {"due": None, "label": None, "unknown": False}
