"""Which clock a deadline counted from another step runs on (issue 26, commitment-semantics §5.17).

"The election dialogue from day 1 after the pull-back": `due: {from: R, days: 1}` counts from R's
fulfilment by the owing party itself — each side's pull-back clock its own — or by the party the
rule names. What the party's R did decides it, and R is decided before the deadlines that count
from it (`dependence.order`):

- R fulfilled by P on D (its fulfilment established: verified, where a monitor must verify it):
  due D + offset;
- with `or_from: due`, R not fulfilled by P by its due day X, which has passed: due X + offset (R
  defaulted; a late fulfilment does not move a clock that already ran);
- R not assessed for P: whether the clock started cannot be told from missing data;
- otherwise the clock has not started: the deadline is `not_triggered` ("waiting for R"), unless it
  was done already (done early is done).
"""
from __future__ import annotations

import datetime as dt
from typing import Mapping, Optional, Tuple

from doha_compliance._util.dates import add_offset
from doha_compliance.models import Rule

from .deadlines import Clock, Deadline
from .triggers import Triggers


def clock(rule: Rule, party: str, decided: Mapping[Tuple[str, str], Deadline], triggers: Triggers,
          as_of: dt.date) -> Optional[Clock]:
    """The clock of `rule` (a version with `due: {from: R}`) for `party`; None for any other rule."""
    step = rule.due_from
    if step is None:
        return None
    who = step.party or party
    offset = step.offset()
    met = triggers.fulfilled_by(step.rule, who)
    d = decided.get((step.rule, who))
    their_day = d.day if d is not None and d.finding is not None and d.finding.status != "not_triggered" else None
    if met is not None and not (step.or_due and their_day is not None and met > their_day):
        return Clock(add_offset(met, step.days, step.months), f"{offset} after {who} met {step.rule} on {met}",
                     f"counted from {step.rule} met by {who} on {met}")
    if d is not None and d.not_assessed is not None:
        return Clock(None, f"{offset} after {step.rule} is met by {who}, and {step.rule} is not assessed for {who} "
                           "(no event in the input bears on it)", unknown=True)
    if step.or_due and their_day is not None and as_of > their_day:
        late = f", met only on {met}" if met is not None else ""
        return Clock(add_offset(their_day, step.days, step.months),
                     f"{offset} after {step.rule}'s due date {their_day}, {step.rule} not met by {who} by then{late}",
                     f"from {step.rule}'s due date {their_day}: {step.rule} defaulted (not met by {who} by then)")
    if step.or_due:
        fallback = (f", or after its due date {their_day} if it is not met by then" if their_day is not None
                    else ", or after its due date if it defaults")
    else:
        fallback = ""
    return Clock(None, f"{offset} after {step.rule} is met by {who}{fallback}; waiting for {step.rule}, not met by "
                       f"{who} as of {as_of}")
