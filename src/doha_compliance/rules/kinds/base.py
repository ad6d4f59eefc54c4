"""What a rule kind IS, as one frozen record the other layers ask instead of comparing names.

Each kind's module (prohibited.py, conditional.py, deadline.py, claim.py, claimable.py, level.py)
declares one `Kind`; the registry (`rules.kinds`) maps names to them. The flags are the questions
the matcher, the judges, the reference and the report actually ask of a kind, so adding a kind is
choosing its answers, not finding every `kind ==` in the code base.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, Optional, Tuple

import attrs

from doha_compliance.rules.spec import RuleSpec

# build(spec, signed, error(field, message)) -> the kind's own data (Rule.level), or None
Build = Callable[[RuleSpec, dt.date, Callable[[str, str], None]], object]


@attrs.frozen
class Kind:
    """One rule kind: its schema part, its validation hook and its capabilities."""

    name: str
    requires: Tuple[str, ...] = ()   # fields a rule of this kind must set (besides the base ones)
    allows: Tuple[str, ...] = ()     # kind-specific fields it may set: another kind's are refused
    continuing: bool = False         # each matching act judged while in force; `complied` over covered periods
    justifiable: bool = False        # an act may be justified by an event within a window (justified_by)
    deadline: bool = False           # judged as a whole by a due date: met, pending or missed; claims may name it
    through_claims: bool = False     # no event type records it: judged only through the claims naming it
    claim: bool = False              # its matching events are claims about the accused: it owes nothing
    series: bool = False             # judged period by period against a baseline (a level)
    prevents: bool = False           # issue 25: a duty to prevent acts (anyone's, unknown included), judged on
                                     # the party's response to each (answered_by): a conduct obligation
    build: Optional[Build] = None    # validation hook: the kind's own data from a rule spec (Rule.level)

    @property
    def owed(self) -> bool:
        """A commitment its parties owe (they are listed, scored and linked); a claim rule is not one."""
        return not self.claim

    @property
    def matches_acts(self) -> bool:
        """The matcher collects the events it judges one by one (its hits): not for a deadline (its
        fulfilments instead) nor for a commitment judged through claims only."""
        return not (self.deadline or self.through_claims)

    @property
    def score_family(self) -> Optional[str]:
        """Which column of the scoring table scores it; None: not scored (claims, claimable)."""
        if self.deadline:
            return "deadline"
        if self.continuing:
            return "continuing"
        if self.series:
            return "level"
        return None
